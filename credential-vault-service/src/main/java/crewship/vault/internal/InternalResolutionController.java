package crewship.vault.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import crewship.vault.credentials.Credential;
import crewship.vault.credentials.CredentialAudit;
import crewship.vault.credentials.Credentials;
import crewship.vault.credentials.CustomFields;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.rotation.Rotations;

/**
 * {@code /api/v1/internal/credentials/**}: the one place an agent run gets a decrypted
 * value. The gateway routes it only on its internal listener, behind
 * {@code X-Internal-Token}; any other caller gets the 404 of a path that does not exist.
 * Every resolution is a {@code USE} on the credential's timeline.
 */
@RestController
class InternalResolutionController {

	private final Resolutions resolutions;

	InternalResolutionController(Resolutions resolutions) {
		this.resolutions = resolutions;
	}

	record Resolved(String credentialId, String name, String type, String provider, String username, String value,
			String previousValue, Map<String, String> fields, Instant resolvedAt) {
	}

	@GetMapping("/api/v1/internal/credentials/{credentialId}/value")
	ResponseEntity<Resolved> resolve(@PathVariable String credentialId,
			@RequestParam("workspace_id") String workspaceId,
			@RequestParam(name = "agent_id", required = false) String agentId,
			@RequestParam(name = "run_id", required = false) String runId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.resolutions.resolve(workspaceId, credentialId, agentId, runId));
	}

	@Service
	static class Resolutions {

		private final Credentials credentials;

		private final SealedSecrets secrets;

		private final CredentialAudit audit;

		private final CustomFields fields;

		private final Rotations rotations;

		Resolutions(Credentials credentials, SealedSecrets secrets, CredentialAudit audit, CustomFields fields,
				Rotations rotations) {
			this.credentials = credentials;
			this.secrets = secrets;
			this.audit = audit;
			this.fields = fields;
			this.rotations = rotations;
		}

		@Transactional
		Resolved resolve(String workspaceId, String credentialId, String agentId, String runId) {
			Credential credential = this.credentials.find(workspaceId, credentialId);
			if (!"ACTIVE".equals(credential.getStatus()) && !"RATE_LIMITED".equals(credential.getStatus())) {
				throw ProblemException
					.conflict("Credential is " + credential.getStatus() + " and is not delivered to runs");
			}
			Map<String, Object> metadata = new LinkedHashMap<>();
			if (runId != null) {
				metadata.put("run_id", runId);
			}
			this.audit.record(credential, "USE", null, agentId, null, metadata);
			this.credentials.markUsed(credential);
			String value = this.secrets.open(credential.valueOwner())
				.orElseThrow(() -> ProblemException.conflict("Credential holds no value"));
			return new Resolved(credential.getId(), credential.getName(), credential.getType(),
					credential.getProvider(), credential.getUsername(), value,
					this.rotations.previousValue(credential.getId()).orElse(null),
					this.fields.resolve(credential.getId()), Timestamps.now());
		}

	}

}
