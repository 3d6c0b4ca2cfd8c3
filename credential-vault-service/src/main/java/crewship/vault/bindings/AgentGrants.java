package crewship.vault.bindings;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import crewship.vault.agents.AgentDirectory;
import crewship.vault.credentials.Credential;
import crewship.vault.credentials.CredentialAudit;
import crewship.vault.credentials.Credentials;
import crewship.vault.credentials.RequestOrigin;

/** Explicit per-agent assignments, standing or leased (at most 30 days). */
@Service
class AgentGrants {

	static final int MAX_TTL_SECONDS = 2592000;

	private final JdbcTemplate jdbc;

	private final Credentials credentials;

	private final AgentDirectory directory;

	private final CredentialAudit audit;

	AgentGrants(JdbcTemplate jdbc, Credentials credentials, AgentDirectory directory, CredentialAudit audit) {
		this.jdbc = jdbc;
		this.credentials = credentials;
		this.directory = directory;
		this.audit = audit;
	}

	record Assign(String credentialId, String envVarName, Integer priority, Integer ttlSeconds) {
	}

	@Transactional
	String assign(String workspaceId, String agentId, String actor, RequestOrigin origin, Assign body) {
		if (body.credentialId() == null || body.envVarName() == null || !body.envVarName().matches(Bindings.SLOT)) {
			throw ProblemException.badRequest("credential_id and env_var_name ([A-Za-z_][A-Za-z0-9_]*) are required");
		}
		int ttl = (body.ttlSeconds() != null) ? body.ttlSeconds() : 0;
		if (ttl < 0 || ttl > MAX_TTL_SECONDS) {
			throw ProblemException.badRequest("ttl_seconds must be between 0 and " + MAX_TTL_SECONDS);
		}
		requireAgent(workspaceId, agentId);
		Credential credential = this.credentials.find(workspaceId, body.credentialId());
		Instant now = Timestamps.now();
		String id = Cuid.next();
		try {
			this.jdbc.update("""
					insert into agent_credentials (id, workspace_id, agent_id, credential_id, env_var_name, priority,
					                               expires_at, lease_source, lease_issued_at, created_at)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", id, workspaceId, agentId, credential.getId(),
					body.envVarName(), (body.priority() != null) ? body.priority() : 0,
					(ttl > 0) ? Timestamp.from(now.plusSeconds(ttl)) : null, (ttl > 0) ? "manual" : null,
					(ttl > 0) ? Timestamp.from(now) : null, Timestamp.from(now));
		}
		catch (DuplicateKeyException ex) {
			throw ProblemException.conflict("The credential is already assigned to this agent");
		}
		this.audit.record(credential, "ASSIGNED", actor, agentId, origin,
				Map.of("assignment_id", id, "env_var_name", body.envVarName(), "ttl_seconds", ttl));
		return id;
	}

	@Transactional
	void remove(String workspaceId, String agentId, String assignmentId, String actor, RequestOrigin origin) {
		java.util.List<String> credentialIds = this.jdbc.queryForList(
				"delete from agent_credentials where id = ? and agent_id = ? and workspace_id = ? returning credential_id",
				String.class, assignmentId, agentId, workspaceId);
		if (credentialIds.isEmpty()) {
			throw ProblemException.notFound("Assignment not found");
		}
		this.audit.record(this.credentials.find(workspaceId, credentialIds.get(0)), "UNASSIGNED", actor, agentId,
				origin, Map.of("assignment_id", assignmentId));
	}

	AgentDirectory.Agent requireAgent(String workspaceId, String agentId) {
		return this.directory.agent(workspaceId, agentId)
			.orElseThrow(() -> ProblemException.notFound("Agent not found"));
	}

}
