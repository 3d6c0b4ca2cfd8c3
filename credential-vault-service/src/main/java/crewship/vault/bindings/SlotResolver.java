package crewship.vault.bindings;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Timestamps;
import crewship.vault.agents.AgentDirectory;

/**
 * The slot map an agent boots with: for each slot the most specific source wins — an
 * explicit grant (lowest {@code priority} first, then the oldest), an agent binding, a
 * crew binding, a workspace binding, and last a credential linked to the agent's crew
 * with no binding, delivered under its own name. Expired leases and deleted credentials
 * never resolve.
 */
@Service
public class SlotResolver {

	private final JdbcTemplate jdbc;

	SlotResolver(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * One resolved slot; {@code warning} says when a crew-linked credential is delivered
	 * under a name other than its own.
	 */
	public record Slot(String slot, String credentialId, String credentialName, String source,
			@com.fasterxml.jackson.annotation.JsonIgnore String credentialStatus,
			@JsonInclude(JsonInclude.Include.NON_NULL) String warning) {
	}

	/**
	 * @param warnings every warning, the slots' own included; those about credentials
	 * that got no slot at all appear only here
	 */
	public record Resolution(String agentId, List<Slot> slots, List<String> warnings) {
	}

	private record Candidate(String slot, String credentialId, String name, String status, String source,
			String warning) {
	}

	@Transactional(readOnly = true)
	public Resolution resolve(AgentDirectory.Agent agent) {
		Timestamp now = Timestamp.from(Timestamps.now());
		List<Candidate> candidates = new ArrayList<>();
		candidates.addAll(this.jdbc.query(
				"""
						select g.env_var_name, c.id, c.name, c.status from agent_credentials g join credentials c on c.id = g.credential_id
						 where g.agent_id = ? and g.workspace_id = ? and c.deleted_at is null
						   and (g.expires_at is null or g.expires_at > ?)
						 order by g.priority, g.created_at, g.id""",
				(rs, n) -> new Candidate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
						"agent_grant", null),
				agent.id(), agent.workspaceId(), now));
		candidates.addAll(bound("AGENT", "b.agent_id = ?", agent.id(), agent.workspaceId(), "agent_binding"));
		if (agent.crewId() != null) {
			candidates.addAll(bound("CREW", "b.crew_id = ?", agent.crewId(), agent.workspaceId(), "crew_binding"));
		}
		candidates.addAll(bound("WORKSPACE", "? is not null", "any", agent.workspaceId(), "workspace_binding"));
		List<String> warnings = new ArrayList<>();
		if (agent.crewId() != null) {
			this.jdbc.query("""
					select c.id, c.name, c.status from credentials c
					 where c.workspace_id = ? and c.deleted_at is null and ? = any(c.crew_ids)
					   and not exists (select 1 from credential_bindings b where b.credential_id = c.id)
					 order by c.created_at, c.id""", rs -> {
				String slot = envName(rs.getString(2));
				if (slot.isEmpty()) {
					warnings.add("Credential " + rs.getString(1) + " has no deliverable slot name");
					return;
				}
				String renamed = null;
				if (!slot.equals(rs.getString(2))) {
					renamed = "Credential " + rs.getString(1) + " is delivered as " + slot;
					warnings.add(renamed);
				}
				candidates
					.add(new Candidate(slot, rs.getString(1), rs.getString(2), rs.getString(3), "crew_link", renamed));
			}, agent.workspaceId(), agent.crewId());
		}
		Map<String, Slot> slots = new LinkedHashMap<>();
		for (Candidate candidate : candidates) {
			slots.putIfAbsent(candidate.slot(), new Slot(candidate.slot(), candidate.credentialId(), candidate.name(),
					candidate.source(), candidate.status(), candidate.warning()));
		}
		return new Resolution(agent.id(), List.copyOf(slots.values()), warnings);
	}

	private List<Candidate> bound(String scope, String owner, String ownerId, String workspaceId, String source) {
		return this.jdbc.query(
				"""
						select b.slot, c.id, c.name, c.status from credential_bindings b join credentials c on c.id = b.credential_id
						 where b.workspace_id = ? and b.scope = ? and %s and c.deleted_at is null order by b.created_at, b.id"""
					.formatted(owner),
				(rs, n) -> new Candidate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), source,
						null),
				workspaceId, scope, ownerId);
	}

	/**
	 * A credential name as an environment variable: upper case, other characters as _.
	 */
	static String envName(String name) {
		String upper = name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
		return upper.matches("[A-Z_][A-Z0-9_]*") ? upper : (upper.isEmpty() ? "" : "_" + upper);
	}

	/**
	 * Grants as the agent's credential list shows them: explicit, then crew-inherited.
	 */
	@Transactional(readOnly = true)
	List<Map<String, Object>> grants(AgentDirectory.Agent agent) {
		Instant now = Timestamps.now();
		Map<String, Map<String, Object>> byCredential = new LinkedHashMap<>();
		this.jdbc
			.query("""
					select g.id, c.id, c.name, c.type, c.provider, c.status, g.env_var_name, g.priority, g.expires_at,
					       g.lease_source, g.lease_issued_at, g.created_at
					  from agent_credentials g join credentials c on c.id = g.credential_id
					 where g.agent_id = ? and g.workspace_id = ? and c.deleted_at is null order by g.priority, g.created_at""",
					rs -> {
						Map<String, Object> grant = grant(rs.getString(1), rs.getString(2), rs.getString(3),
								rs.getString(4), rs.getString(5), rs.getString(6), "explicit");
						grant.put("env_var_name", rs.getString(7));
						grant.put("priority", rs.getInt(8));
						Timestamp expires = rs.getTimestamp(9);
						if (expires != null) {
							grant.put("expires_at", expires.toInstant());
							grant.put("expired", !expires.toInstant().isAfter(now));
							grant.put("lease_source", rs.getString(10));
							grant.put("lease_issued_at", rs.getTimestamp(11).toInstant());
						}
						else {
							grant.put("expired", false);
						}
						grant.put("created_at", rs.getTimestamp(12).toInstant());
						byCredential.put(rs.getString(2), grant);
					}, agent.id(), agent.workspaceId());
		if (agent.crewId() != null) {
			this.jdbc.query("""
					select c.id, c.name, c.type, c.provider, c.status from credentials c
					 where c.workspace_id = ? and c.deleted_at is null and ? = any(c.crew_ids) order by c.created_at""",
					rs -> {
						byCredential.putIfAbsent(rs.getString(1), grant("", rs.getString(1), rs.getString(2),
								rs.getString(3), rs.getString(4), rs.getString(5), "crew"));
					}, agent.workspaceId(), agent.crewId());
		}
		return List.copyOf(byCredential.values());
	}

	private static Map<String, Object> grant(String id, String credentialId, String name, String type, String provider,
			String status, String source) {
		Map<String, Object> grant = new LinkedHashMap<>();
		grant.put("id", id);
		grant.put("credential_id", credentialId);
		grant.put("credential_name", name);
		grant.put("type", type);
		grant.put("provider", provider);
		grant.put("status", status);
		grant.put("grant_source", source);
		return grant;
	}

}
