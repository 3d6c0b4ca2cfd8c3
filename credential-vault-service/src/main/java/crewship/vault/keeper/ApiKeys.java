package crewship.vault.keeper;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.web.ProblemException;
import crewship.vault.credentials.Credential;
import crewship.vault.credentials.Credentials;
import crewship.vault.crypto.SealedSecrets;

/**
 * Opens the key of an evaluator's credential for one outgoing call: an active
 * {@code API_KEY} of the workspace, read in a short transaction that is over before the
 * provider is dialled.
 */
@Component
class ApiKeys {

	private final Credentials credentials;

	private final SealedSecrets secrets;

	ApiKeys(Credentials credentials, SealedSecrets secrets) {
		this.credentials = credentials;
		this.secrets = secrets;
	}

	/**
	 * @throws ProblemException when the credential is missing, foreign, unusable or empty
	 */
	@Transactional(readOnly = true)
	String open(String workspaceId, String credentialId) {
		Credential credential = this.credentials.find(workspaceId, credentialId);
		if (!"API_KEY".equals(credential.getType()) || !"ACTIVE".equals(credential.getStatus())) {
			throw ProblemException.badRequest("The credential is not an active API_KEY");
		}
		return this.secrets.open(credential.valueOwner())
			.orElseThrow(() -> ProblemException.badRequest("The credential holds no key"));
	}

}
