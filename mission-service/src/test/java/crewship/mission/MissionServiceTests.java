package crewship.mission;

import crewship.platform.testing.ServiceContractTests;

/**
 * mission-service boots against real PostgreSQL and Kafka and keeps the suite's service
 * contract.
 */
class MissionServiceTests extends ServiceContractTests {

}
