package crewship.vault.credentials;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records what happened to a credential twice in the caller's transaction: on its own
 * timeline ({@code credential_audit}, the detail sheet) and on the suite's audit trail
 * (through the outbox). Both commit with the action or neither does. Metadata never holds
 * a value, nor a digest of one.
 */
@Component
public class CredentialAudit {

	private final JdbcTemplate jdbc;

	private final AuditTrail trail;

	private final JsonMapper json;

	CredentialAudit(JdbcTemplate jdbc, AuditTrail trail, JsonMapper json) {
		this.jdbc = jdbc;
		this.trail = trail;
		this.json = json;
	}

	/** One timeline row as the audit endpoint shows it. */
	record Entry(String id, String eventType, String agentId, String ipAddress, JsonNode metadata, Instant occurredAt) {
	}

	/**
	 * @return the timeline row's id (a reveal quotes it as its journal entry)
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public String record(Credential credential, String eventType, String actor, String agentId, RequestOrigin origin,
			Map<String, Object> metadata) {
		String id = Cuid.next();
		this.jdbc.update(
				"""
						insert into credential_audit (id, credential_id, workspace_id, event_type, actor_id, agent_id, ip_address, metadata, occurred_at)
						values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?)
						""",
				id, credential.getId(), credential.getWorkspaceId(), eventType, actor, agentId,
				(origin != null) ? origin.ip() : null, this.json.writeValueAsString(metadata),
				Timestamp.from(Timestamps.now()));
		this.trail.record(new AuditRecord(credential.getWorkspaceId(), actor,
				"credential." + eventType.toLowerCase(java.util.Locale.ROOT), "credential", credential.getId(),
				metadata, (origin != null) ? origin.ip() : null, (origin != null) ? origin.userAgent() : null));
		return id;
	}

	@Transactional(readOnly = true)
	List<Entry> timeline(String credentialId, int limit) {
		return this.jdbc.query("""
				select id, event_type, agent_id, ip_address, metadata::text, occurred_at from credential_audit
				 where credential_id = ? order by occurred_at desc, id desc limit ?
				""", (rs, n) -> new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
				(rs.getString(5) != null) ? this.json.readTree(rs.getString(5)) : null, rs.getTimestamp(6).toInstant()),
				credentialId, limit);
	}

}
