package crewship.vault.reveal;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.ids.Timestamps;
import crewship.vault.credentials.RequestOrigin;

/**
 * The workspace reveal switch (off until an OWNER turns it on). The switch only moves
 * when its audit record is written in the same transaction.
 */
@Service
class RevealPolicies {

	private final JdbcTemplate jdbc;

	private final AuditTrail audit;

	RevealPolicies(JdbcTemplate jdbc, AuditTrail audit) {
		this.jdbc = jdbc;
		this.audit = audit;
	}

	@Transactional(readOnly = true)
	boolean enabled(String workspaceId) {
		List<Boolean> rows = this.jdbc.queryForList("select enabled from reveal_policies where workspace_id = ?",
				Boolean.class, workspaceId);
		return !rows.isEmpty() && rows.get(0);
	}

	@Transactional
	void set(String workspaceId, boolean enabled, String actor, RequestOrigin origin) {
		this.audit.record(new AuditRecord(workspaceId, actor, "credential.reveal_policy_changed", "workspace",
				workspaceId, Map.of("enabled", enabled), origin.ip(), origin.userAgent()));
		this.jdbc.update("""
				insert into reveal_policies (workspace_id, enabled, updated_by, updated_at) values (?, ?, ?, ?)
				on conflict (workspace_id) do update
				   set enabled = excluded.enabled, updated_by = excluded.updated_by, updated_at = excluded.updated_at
				""", workspaceId, enabled, actor, Timestamp.from(Timestamps.now()));
	}

}
