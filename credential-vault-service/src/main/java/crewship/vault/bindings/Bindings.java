package crewship.vault.bindings;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.context.event.EventListener;
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
import crewship.vault.credentials.CredentialDeleted;
import crewship.vault.credentials.Credentials;
import crewship.vault.credentials.RequestOrigin;

/**
 * (scope, slot) → credential. One credential per slot and scope, enforced by the unique
 * index: a conflicting write is refused, never applied as a replacement. Ids of another
 * workspace are reported like unknown ones (400), so nothing confirms they exist.
 */
@Service
class Bindings {

	static final String SLOT = "[A-Za-z_][A-Za-z0-9_]*";

	private final JdbcTemplate jdbc;

	private final Credentials credentials;

	private final AgentDirectory directory;

	private final CredentialAudit audit;

	Bindings(JdbcTemplate jdbc, Credentials credentials, AgentDirectory directory, CredentialAudit audit) {
		this.jdbc = jdbc;
		this.credentials = credentials;
		this.directory = directory;
		this.audit = audit;
	}

	record Binding(String id, String credentialId, String credentialName, String scope, String crewId, String agentId,
			String slot, Instant createdAt) {
	}

	record NewBinding(String credentialId, String scope, String crewId, String agentId, String slot) {
	}

	/** Exact-match filters of the list; null means any. */
	record Filter(String scope, String crewId, String agentId, String credentialId, String slot) {
	}

	@Transactional(readOnly = true)
	List<Binding> list(String workspaceId, Filter filter) {
		StringBuilder sql = new StringBuilder("""
				select b.id, b.credential_id, c.name, b.scope, b.crew_id, b.agent_id, b.slot, b.created_at
				  from credential_bindings b join credentials c on c.id = b.credential_id
				 where b.workspace_id = ? and c.deleted_at is null""");
		List<Object> args = new ArrayList<>(List.of(workspaceId));
		addFilter(sql, args, "b.scope", filter.scope());
		addFilter(sql, args, "b.crew_id", filter.crewId());
		addFilter(sql, args, "b.agent_id", filter.agentId());
		addFilter(sql, args, "b.credential_id", filter.credentialId());
		addFilter(sql, args, "b.slot", filter.slot());
		sql.append(" order by b.created_at, b.id limit 1000");
		return this.jdbc.query(sql.toString(), Bindings::map, args.toArray());
	}

	@Transactional
	Binding create(String workspaceId, String actor, RequestOrigin origin, NewBinding body) {
		String scope = (body.scope() != null) ? body.scope() : "WORKSPACE";
		if (body.slot() == null || !body.slot().matches(SLOT)) {
			throw ProblemException.badRequest("slot must be an environment variable name: [A-Za-z_][A-Za-z0-9_]*");
		}
		switch (scope) {
			case "WORKSPACE" -> requireAbsent(body.crewId(), body.agentId(), scope);
			case "CREW" -> {
				requireAbsent(null, body.agentId(), scope);
				if (body.crewId() == null || !this.directory.crewExists(workspaceId, body.crewId())) {
					throw ProblemException.badRequest("crew_id names no crew of this workspace");
				}
			}
			case "AGENT" -> {
				requireAbsent(body.crewId(), null, scope);
				if (body.agentId() == null || this.directory.agent(workspaceId, body.agentId()).isEmpty()) {
					throw ProblemException.badRequest("agent_id names no agent of this workspace");
				}
			}
			default -> throw ProblemException.badRequest("scope is WORKSPACE, CREW or AGENT");
		}
		Credential credential;
		try {
			credential = this.credentials.find(workspaceId, (body.credentialId() != null) ? body.credentialId() : "");
		}
		catch (ProblemException ex) {
			throw ProblemException.badRequest("credential_id names no credential of this workspace");
		}
		String id = Cuid.next();
		try {
			this.jdbc.update(
					"""
							insert into credential_bindings (id, workspace_id, credential_id, scope, crew_id, agent_id, slot, created_at)
							values (?, ?, ?, ?, ?, ?, ?, ?)""",
					id, workspaceId, credential.getId(), scope, body.crewId(), body.agentId(), body.slot(),
					Timestamp.from(Timestamps.now()));
		}
		catch (DuplicateKeyException ex) {
			throw ProblemException.conflict("The slot " + body.slot() + " is already bound in this scope");
		}
		this.audit.record(credential, "BOUND", actor, body.agentId(), origin,
				Map.of("binding_id", id, "scope", scope, "slot", body.slot()));
		return this.jdbc
			.query("""
					select b.id, b.credential_id, c.name, b.scope, b.crew_id, b.agent_id, b.slot, b.created_at
					  from credential_bindings b join credentials c on c.id = b.credential_id where b.id = ?""",
					Bindings::map, id)
			.get(0);
	}

	@Transactional
	void delete(String workspaceId, String bindingId, String actor, RequestOrigin origin) {
		List<String> credentialIds = this.jdbc.queryForList(
				"delete from credential_bindings where id = ? and workspace_id = ? returning credential_id",
				String.class, bindingId, workspaceId);
		if (credentialIds.isEmpty()) {
			throw ProblemException.notFound("Binding not found");
		}
		this.audit.record(this.credentials.find(workspaceId, credentialIds.get(0)), "UNBOUND", actor, null, origin,
				Map.of("binding_id", bindingId));
	}

	/** Bindings cascade with their credential. */
	@EventListener
	void credentialDeleted(CredentialDeleted deleted) {
		this.jdbc.update("delete from credential_bindings where credential_id = ?", deleted.credentialId());
		this.jdbc.update("delete from agent_credentials where credential_id = ?", deleted.credentialId());
	}

	private static void requireAbsent(String crewId, String agentId, String scope) {
		if (crewId != null || agentId != null) {
			throw ProblemException
				.badRequest("A " + scope + " binding takes no " + ((crewId != null) ? "crew_id" : "agent_id"));
		}
	}

	private static void addFilter(StringBuilder sql, List<Object> args, String column, String value) {
		if (value != null && !value.isBlank()) {
			sql.append(" and ").append(column).append(" = ?");
			args.add(value);
		}
	}

	private static Binding map(ResultSet rs, int row) throws SQLException {
		return new Binding(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
				rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant());
	}

}
