package crewship.auth;

import crewship.platform.testing.ServiceContractTests;

/**
 * auth-service boots against real PostgreSQL and Kafka and keeps the suite's service
 * contract.
 */
class AuthServiceTests extends ServiceContractTests {

}
