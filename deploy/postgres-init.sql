-- One database and one role per service: no service can read another's data.
CREATE ROLE crewship_auth LOGIN PASSWORD 'auth';
CREATE DATABASE crewship_auth OWNER crewship_auth;
CREATE ROLE crewship_crew LOGIN PASSWORD 'crew';
CREATE DATABASE crewship_crew OWNER crewship_crew;
CREATE ROLE crewship_mission LOGIN PASSWORD 'mission';
CREATE DATABASE crewship_mission OWNER crewship_mission;
CREATE ROLE crewship_issue LOGIN PASSWORD 'issue';
CREATE DATABASE crewship_issue OWNER crewship_issue;
CREATE ROLE crewship_vault LOGIN PASSWORD 'vault';
CREATE DATABASE crewship_vault OWNER crewship_vault;
CREATE ROLE crewship_webhook LOGIN PASSWORD 'webhook';
CREATE DATABASE crewship_webhook OWNER crewship_webhook;
