package crewship.crew;

import crewship.platform.testing.ServiceContractTests;

/**
 * crew-service boots against real PostgreSQL and Kafka and keeps the suite's service
 * contract.
 */
class CrewServiceTests extends ServiceContractTests {

}
