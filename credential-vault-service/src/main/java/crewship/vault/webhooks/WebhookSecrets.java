package crewship.vault.webhooks;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.ids.Secrets;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.crypto.SealedSecrets.Owner;

/**
 * Per-agent and per-pipeline-webhook signing secrets: minted here, sealed like every
 * other value, handed out once at minting, and afterwards only used to verify. Rotating
 * replaces the sealed value in the same transaction, so the old secret stops validating
 * the moment the rotation commits.
 */
@Service
public class WebhookSecrets {

	enum Kind {

		AGENT("webhook.agent"), PIPELINE("webhook.pipeline");

		final String ownerType;

		Kind(String ownerType) {
			this.ownerType = ownerType;
		}

	}

	private final JdbcTemplate jdbc;

	private final SealedSecrets secrets;

	private final AuditTrail audit;

	WebhookSecrets(JdbcTemplate jdbc, SealedSecrets secrets, AuditTrail audit) {
		this.jdbc = jdbc;
		this.secrets = secrets;
		this.audit = audit;
	}

	record Minted(String targetId, String secret, Instant rotatedAt) {
	}

	/**
	 * Stores a new secret for the target (the given one, else 256 random bits) and
	 * returns it: the only time it leaves the vault.
	 */
	@Transactional
	Minted mint(Kind kind, String targetId, String workspaceId, String actor, String given, Boolean requireTimestamp,
			boolean enabled) {
		if (given != null && given.length() < 16) {
			throw ProblemException.badRequest("A signing secret is at least 16 characters");
		}
		String secret = (given != null) ? given : "whsec_" + Secrets.randomHex(32);
		Instant now = Timestamps.now();
		Owner owner = new Owner(kind.ownerType, targetId);
		requireHeldBy(kind, targetId, workspaceId);
		this.jdbc.update(
				"""
						insert into webhook_signing_secrets (owner_type, owner_id, workspace_id, require_timestamp, rotated_at, enabled)
						values (?, ?, ?, coalesce(?, false), ?, ?)
						on conflict (owner_type, owner_id) do update set rotated_at = excluded.rotated_at,
						       require_timestamp = coalesce(?, webhook_signing_secrets.require_timestamp)
						""",
				kind.ownerType, targetId, workspaceId, requireTimestamp, Timestamp.from(now), enabled,
				requireTimestamp);
		this.secrets.put(owner, secret);
		this.audit.record(new AuditRecord(workspaceId, actor, "webhook_secret.rotated", kind.ownerType, targetId,
				Map.of("generated", given == null), null, null));
		return new Minted(targetId, secret, now);
	}

	record Policy(boolean requireTimestamp, boolean enabled) {
	}

	/**
	 * Changes the parts given (null: unchanged). With a workspace, also for a target that
	 * has no secret yet (the policy waits for it); without one, only a known target's.
	 */
	@Transactional
	Policy policy(Kind kind, String targetId, String workspaceId, Boolean requireTimestamp, Boolean enabled) {
		RowMapper<Policy> policy = (rs, n) -> new Policy(rs.getBoolean(1), rs.getBoolean(2));
		if (workspaceId == null) {
			List<Policy> updated = this.jdbc.query("""
					update webhook_signing_secrets
					   set require_timestamp = coalesce(?, require_timestamp), enabled = coalesce(?, enabled)
					 where owner_type = ? and owner_id = ?
					returning require_timestamp, enabled
					""", policy, requireTimestamp, enabled, kind.ownerType, targetId);
			if (updated.isEmpty()) {
				throw ProblemException.notFound("No signing secret for this target");
			}
			return updated.get(0);
		}
		requireHeldBy(kind, targetId, workspaceId);
		return this.jdbc
			.query("""
					insert into webhook_signing_secrets (owner_type, owner_id, workspace_id, require_timestamp, enabled)
					values (?, ?, ?, coalesce(?, false), coalesce(?, true))
					on conflict (owner_type, owner_id) do update
					   set require_timestamp = coalesce(?, webhook_signing_secrets.require_timestamp),
					       enabled = coalesce(?, webhook_signing_secrets.enabled)
					returning require_timestamp, enabled
					""", policy, kind.ownerType, targetId, workspaceId, requireTimestamp, enabled, requireTimestamp,
					enabled)
			.get(0);
	}

	/** A target of another workspace is not there for this caller. */
	private void requireHeldBy(Kind kind, String targetId, String workspaceId) {
		List<String> holder = this.jdbc.queryForList(
				"select workspace_id from webhook_signing_secrets where owner_type = ? and owner_id = ? for update",
				String.class, kind.ownerType, targetId);
		if (!holder.isEmpty() && !holder.get(0).equals(workspaceId)) {
			throw ProblemException.notFound("No such webhook target in this workspace");
		}
	}

	/**
	 * Revokes a deleted or expired agent's secret and policy: its deliveries stop
	 * validating once this commits. Idempotent.
	 * @param mintedBefore when given, a secret minted after it stays: the event is older
	 * than a rotation (a ghost rehired and rotated before this event was consumed)
	 */
	@Transactional
	public void revokeAgent(String agentId, Instant mintedBefore) {
		if (mintedBefore != null) {
			List<Timestamp> rotated = this.jdbc.queryForList(
					"select rotated_at from webhook_signing_secrets where owner_type = ? and owner_id = ? for update",
					Timestamp.class, Kind.AGENT.ownerType, agentId);
			if (!rotated.isEmpty() && rotated.get(0) != null && rotated.get(0).toInstant().isAfter(mintedBefore)) {
				return;
			}
		}
		delete(Kind.AGENT, agentId);
	}

	@Transactional
	void delete(Kind kind, String targetId) {
		this.secrets.delete(new Owner(kind.ownerType, targetId));
		this.jdbc.update("delete from webhook_signing_secrets where owner_type = ? and owner_id = ?", kind.ownerType,
				targetId);
	}

	@Transactional(readOnly = true)
	boolean isSet(Kind kind, String targetId) {
		return this.secrets.exists(new Owner(kind.ownerType, targetId));
	}

	/**
	 * An agent unknown to the vault verifies like a wrong secret: never valid. A pipeline
	 * webhook that is unknown, disabled or deleted (its secret is deleted with it) is
	 * 404, decided by one indexed lookup before any secret is opened.
	 */
	@Transactional(readOnly = true)
	SignatureVerifier.Verdict verify(Kind kind, String targetId, SignatureVerifier.Presented presented) {
		if (kind == Kind.PIPELINE && !this.jdbc
			.queryForList("select enabled from webhook_signing_secrets where owner_type = ? and owner_id = ?",
					Boolean.class, kind.ownerType, targetId)
			.equals(List.of(Boolean.TRUE))) {
			return SignatureVerifier.Verdict.refused(404, SignatureVerifier.NO_SUCH_WEBHOOK);
		}
		byte[] secret = this.secrets.open(new Owner(kind.ownerType, targetId))
			.map(value -> value.getBytes(StandardCharsets.UTF_8))
			.orElse(null);
		Instant now = Instant.now();
		if (kind == Kind.PIPELINE) {
			return SignatureVerifier.pipeline(secret, presented, now);
		}
		List<Boolean> required = this.jdbc.queryForList(
				"select require_timestamp from webhook_signing_secrets where owner_type = ? and owner_id = ?",
				Boolean.class, kind.ownerType, targetId);
		return SignatureVerifier.agent(secret, !required.isEmpty() && required.get(0), presented, now);
	}

}
