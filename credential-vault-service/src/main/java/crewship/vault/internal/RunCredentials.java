package crewship.vault.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import crewship.vault.agents.AgentDirectory;
import crewship.vault.bindings.SlotResolver;
import crewship.vault.credentials.Credential;
import crewship.vault.credentials.CredentialAudit;
import crewship.vault.credentials.Credentials;
import crewship.vault.credentials.CustomFields;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.rotation.Rotations;

/**
 * What a run receives: decrypted values, each delivery recorded as a {@code USE} in the
 * transaction that reads it. Only ACTIVE and RATE_LIMITED credentials are delivered.
 */
@Service
public class RunCredentials {

	private final Credentials credentials;

	private final SealedSecrets secrets;

	private final CredentialAudit audit;

	private final CustomFields fields;

	private final Rotations rotations;

	private final AgentDirectory directory;

	private final SlotResolver slots;

	RunCredentials(Credentials credentials, SealedSecrets secrets, CredentialAudit audit, CustomFields fields,
			Rotations rotations, AgentDirectory directory, SlotResolver slots) {
		this.directory = directory;
		this.slots = slots;
		this.credentials = credentials;
		this.secrets = secrets;
		this.audit = audit;
		this.fields = fields;
		this.rotations = rotations;
	}

	/** A credential's value as a run receives it. */
	public record Resolved(String credentialId, String name, String type, String provider, String username,
			String value, String previousValue, Map<String, String> fields, Instant resolvedAt) {
	}

	/** One delivered slot of an agent's environment. */
	public record Delivered(String slot, String source, Resolved credential) {
	}

	public record Environment(String agentId, List<Delivered> slots, List<String> skipped) {
	}

	/**
	 * The agent's resolved slots with values; a credential that is not deliverable
	 * (revoked, pending, in error) is named in {@code skipped}, never delivered.
	 */
	@Transactional
	public Environment environment(String workspaceId, String agentId, String runId) {
		AgentDirectory.Agent agent = this.directory.agent(workspaceId, agentId)
			.orElseThrow(() -> ProblemException.notFound("Agent not found"));
		List<Delivered> delivered = new ArrayList<>();
		List<String> skipped = new ArrayList<>();
		for (SlotResolver.Slot slot : this.slots.resolve(agent).slots()) {
			if (deliverable(slot.credentialStatus())) {
				delivered.add(new Delivered(slot.slot(), slot.source(),
						resolve(workspaceId, slot.credentialId(), agentId, runId)));
			}
			else {
				skipped.add(slot.slot());
			}
		}
		return new Environment(agentId, delivered, skipped);
	}

	static boolean deliverable(String status) {
		return "ACTIVE".equals(status) || "RATE_LIMITED".equals(status);
	}

	@Transactional
	public Resolved resolve(String workspaceId, String credentialId, String agentId, String runId) {
		Credential credential = this.credentials.find(workspaceId, credentialId);
		if (!deliverable(credential.getStatus())) {
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
		return new Resolved(credential.getId(), credential.getName(), credential.getType(), credential.getProvider(),
				credential.getUsername(), value, this.rotations.previousValue(credential.getId()).orElse(null),
				this.fields.resolve(credential.getId()), Timestamps.now());
	}

}
