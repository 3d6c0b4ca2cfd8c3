package crewship.mission.journal;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Timestamps;
import tools.jackson.databind.JsonNode;

import static crewship.mission.journal.EntryMapping.text;

/**
 * The journal cards' display table ({@code GET /api/v1/journal/lookup}): crews, agents
 * and missions of the workspace, kept from the crew, agent and mission events the journal
 * records — in the same transaction, so a card never names an id the lookup has not seen.
 * A row keeps the time of the event that wrote it; an older redelivery never undoes a
 * newer state, and a field an event does not carry keeps its value.
 */
@Component
public class Lookup {

	static final int CAP = 1000;

	private final JdbcTemplate jdbc;

	Lookup(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Transactional(propagation = Propagation.MANDATORY)
	void apply(EventEnvelope event) {
		String type = event.type();
		JsonNode data = event.data();
		String id = text(data, "id");
		if (id == null || event.workspaceId() == null || type == null) {
			return;
		}
		Timestamp time = Timestamp.from(event.time());
		String kind = type.startsWith("crew.") ? "crew"
				: type.startsWith("agent.") ? "agent" : type.startsWith("mission.") ? "mission" : null;
		if (kind == null) {
			return;
		}
		boolean deleted = type.endsWith(".deleted") || type.equals("agent.expired");
		this.jdbc.update("""
				insert into journal_lookup (workspace_id, kind, id, slug, name, crew_id, icon, color, avatar_seed,
				    avatar_style, status, deleted, event_time, created_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				on conflict (workspace_id, kind, id) do update
				   set slug = coalesce(excluded.slug, journal_lookup.slug),
				       name = coalesce(excluded.name, journal_lookup.name),
				       crew_id = coalesce(excluded.crew_id, journal_lookup.crew_id),
				       icon = coalesce(excluded.icon, journal_lookup.icon),
				       color = coalesce(excluded.color, journal_lookup.color),
				       avatar_seed = coalesce(excluded.avatar_seed, journal_lookup.avatar_seed),
				       avatar_style = coalesce(excluded.avatar_style, journal_lookup.avatar_style),
				       status = coalesce(excluded.status, journal_lookup.status),
				       deleted = journal_lookup.deleted or excluded.deleted,
				       event_time = greatest(excluded.event_time, journal_lookup.event_time)
				 where journal_lookup.event_time <= excluded.event_time or excluded.deleted
				""", event.workspaceId(), kind, id, text(data, "slug"),
				kind.equals("mission") ? text(data, "title") : text(data, "name"),
				kind.equals("agent") ? text(data, "crew_id") : null, text(data, "icon"), text(data, "color"),
				text(data, "avatar_seed"), text(data, "avatar_style"), text(data, "status"), deleted, time,
				Timestamp.from(Timestamps.now()));
	}

	/** The page's three arrays, each capped, never null. */
	Map<String, Object> table(String workspaceId) {
		List<Map<String, Object>> crews = this.jdbc.query("""
				select id, slug, name, icon, color from journal_lookup
				 where workspace_id = ? and kind = 'crew' and not deleted order by created_at desc limit ?
				""",
				(rs, n) -> nullable("id", rs.getString("id"), "slug", rs.getString("slug"), "name",
						rs.getString("name"), "icon", rs.getString("icon"), "color", rs.getString("color")),
				workspaceId, CAP);
		List<Map<String, Object>> agents = this.jdbc.query("""
				select id, slug, name, crew_id, avatar_seed, avatar_style from journal_lookup
				 where workspace_id = ? and kind = 'agent' and not deleted order by created_at desc limit ?
				""",
				(rs, n) -> nullable("id", rs.getString("id"), "slug", rs.getString("slug"), "name",
						rs.getString("name"), "crew_id", rs.getString("crew_id"), "avatar_seed",
						(rs.getString("avatar_seed") != null) ? rs.getString("avatar_seed") : rs.getString("slug"),
						"avatar_style", rs.getString("avatar_style")),
				workspaceId, CAP);
		List<Map<String, Object>> missions = this.jdbc.query("""
				select id, name, status from journal_lookup
				 where workspace_id = ? and kind = 'mission' and not deleted order by created_at desc limit ?
				""", (rs, n) -> nullable("id", rs.getString("id"), "title", rs.getString("name"), "status",
				(rs.getString("status") != null) ? rs.getString("status") : "PENDING"), workspaceId, CAP);
		return Map.of("crews", crews, "agents", agents, "missions", missions);
	}

	/** The display name of a crew or agent, for series labels. */
	public Map<String, String> names(String workspaceId, String kind) {
		Map<String, String> names = new java.util.HashMap<>();
		this.jdbc.query("select id, coalesce(name, slug, id) as label from journal_lookup where workspace_id = ? "
				+ "and kind = ? limit ?", rs -> {
					names.put(rs.getString("id"), rs.getString("label"));
				}, workspaceId, kind, CAP);
		return names;
	}

	private static Map<String, Object> nullable(Object... pairs) {
		Map<String, Object> row = new java.util.LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			row.put((String) pairs[i], pairs[i + 1]);
		}
		return row;
	}

}
