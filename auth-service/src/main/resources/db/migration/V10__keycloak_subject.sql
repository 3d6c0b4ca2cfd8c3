-- The Keycloak user that holds the account's password when CREWSHIP_IDP=keycloak (password_hash
-- stays null for those accounts). One Keycloak user belongs to at most one of our accounts.
alter table users add column keycloak_subject text;
create unique index users_keycloak_subject_unique on users (keycloak_subject) where keycloak_subject is not null;
