package crewship.webhook;

import crewship.platform.testing.ServiceContractTests;

/**
 * webhook-service boots against real PostgreSQL and Kafka and keeps the suite's service
 * contract.
 */
class WebhookServiceTests extends ServiceContractTests {

}
