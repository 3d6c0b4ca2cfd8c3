package crewship.issue;

import crewship.platform.testing.ServiceContractTests;

/**
 * issue-service boots against real PostgreSQL and Kafka and keeps the suite's service
 * contract.
 */
class IssueServiceTests extends ServiceContractTests {

}
