package crewship.vault.probes;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.web.ProblemException;
import crewship.vault.credentials.Credential;
import crewship.vault.credentials.CredentialAudit;
import crewship.vault.credentials.Credentials;
import crewship.vault.credentials.RequestOrigin;
import crewship.vault.crypto.SealedSecrets;

/**
 * Tests values against their providers. A stored credential is read in one short
 * transaction and updated in another; the provider call between them holds no database
 * connection, however slow the provider is.
 */
@Service
class CredentialTests {

	private final ProviderProbes probes;

	private final Credentials credentials;

	private final SealedSecrets secrets;

	private final CredentialAudit audit;

	private final TransactionTemplate transactions;

	CredentialTests(ProviderProbes probes, Credentials credentials, SealedSecrets secrets, CredentialAudit audit,
			TransactionTemplate transactions) {
		this.probes = probes;
		this.credentials = credentials;
		this.secrets = secrets;
		this.audit = audit;
		this.transactions = transactions;
	}

	private record Stored(String provider, String type, String value, Instant expiresAt) {
	}

	ProbeResult testValue(String provider, String type, String value) {
		return this.probes.probe(provider, type, value);
	}

	ProbeResult testStored(String workspaceId, String credentialId, String actor, RequestOrigin origin) {
		Stored stored = this.transactions.execute(status -> {
			Credential credential = this.credentials.find(workspaceId, credentialId);
			String value = this.secrets.open(credential.valueOwner())
				.orElseThrow(() -> ProblemException.conflict("This credential holds no value to test"));
			return new Stored(credential.getProvider(), credential.getType(), value, credential.getTokenExpiresAt());
		});
		ProbeResult result = (stored.expiresAt() != null && stored.expiresAt().isBefore(Instant.now()))
				? new ProbeResult(false, 0, "The token expired at " + stored.expiresAt(), false, "EXPIRED")
				: this.probes.probe(stored.provider(), stored.type(), stored.value());
		this.transactions.executeWithoutResult(status -> {
			Credential credential = this.credentials.find(workspaceId, credentialId);
			credential.checked(result.credentialStatus(), result.valid() ? null : result.error());
			Map<String, Object> metadata = new LinkedHashMap<>();
			metadata.put("valid", result.valid());
			metadata.put("supported", result.supported());
			metadata.put("status", result.status());
			this.audit.record(credential, "TEST", actor, null, origin, metadata);
		});
		return result;
	}

}
