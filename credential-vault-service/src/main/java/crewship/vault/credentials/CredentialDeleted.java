package crewship.vault.credentials;

/**
 * Published in-process, inside the delete's transaction, so whatever else holds a value
 * of the credential (rotation grace values) scrubs it in the same commit.
 */
public record CredentialDeleted(String workspaceId, String credentialId) {
}
