package crewship.vault;

import crewship.platform.testing.ServiceContractTests;

/**
 * credential-vault-service boots against real PostgreSQL and Kafka and keeps the suite's
 * service contract.
 */
class CredentialVaultServiceTests extends ServiceContractTests {

}
