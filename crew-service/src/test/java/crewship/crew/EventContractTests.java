package crewship.crew;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.crew.agents.AgentExpiry;
import crewship.platform.ids.Cuid;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the JSON shape of every event crew-service publishes, so realtime-service and
 * other consumers cannot be broken silently: the envelope, and the {@code data} keys of
 * each WebSocket event name.
 */
class EventContractTests extends CrewTestSupport {

	static final Map<String, Set<String>> DATA_KEYS = Map.ofEntries(
			Map.entry("crew.created", Set.of("id", "name", "slug", "issue_prefix")),
			Map.entry("crew.updated", Set.of("id", "name", "slug", "issue_prefix", "change")),
			Map.entry("crew.deleted", Set.of("id", "slug")),
			Map.entry("agent.created", Set.of("id", "crew_id", "name", "slug", "status", "ephemeral", "agent_role")),
			Map.entry("agent.updated", Set.of("id", "crew_id", "name", "slug", "status", "ephemeral", "agent_role")),
			Map.entry("agent.deleted", Set.of("id", "crew_id")),
			Map.entry("agent.hired",
					Set.of("id", "crew_id", "name", "slug", "status", "ephemeral", "agent_role", "decision",
							"template_slug", "expires_at", "hire_reason", "inbox_item_id")),
			Map.entry("agent.rehired",
					Set.of("id", "crew_id", "name", "slug", "status", "ephemeral", "agent_role", "expires_at")),
			Map.entry("agent.hire_approved", Set.of("id", "crew_id", "status")),
			Map.entry("agent.skill_assigned", Set.of("id", "skill_id", "skill_slug", "assignment_id")),
			Map.entry("agent.skill_unassigned", Set.of("id", "skill_id", "skill_slug", "assignment_id")),
			Map.entry("agent.expired", Set.of("id", "crew_id", "name", "expired_at")));

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	AgentExpiry expiry;

	@Test
	void everyEventTypeHasItsEnvelopeAndDataShape() {
		String crewId = crew(slug("contract"));
		patch(this.owner, ws("/api/v1/crews/" + crewId), "{\"icon\":\"rocket\"}");
		String agentId = this.owner
			.postJson(ws("/api/v1/agents"),
					"{\"name\":\"Contract\",\"slug\":\"" + slug("c") + "\",\"crew_id\":\"" + crewId + "\"}")
			.json()
			.get("id")
			.asString();
		patch(this.owner, ws("/api/v1/agents/" + agentId), "{\"name\":\"Renamed\"}");
		String skillId = this.owner
			.postJson("/api/v1/workspaces/" + this.workspaceId + "/skills/import",
					"{\"content\":\"---\\nname: " + slug("s") + "\\n---\\nbody\"}")
			.json()
			.get("id")
			.asString();
		this.owner.postJson(ws("/api/v1/agents/" + agentId + "/skills"), "{\"skill_id\":\"" + skillId + "\"}");
		this.owner.delete(ws("/api/v1/agents/" + agentId + "/skills/" + skillId));
		String hiredId = this.owner
			.postJson(ws("/api/v1/agents/hire"),
					"{\"crew_id\":\"" + crewId + "\",\"template_slug\":\"researcher\",\"reason\":\"contract\"}")
			.json()
			.get("id")
			.asString();
		this.owner.postJson(ws("/api/v1/agents/" + hiredId + "/approve-hire"), "");
		this.jdbc.update("update agent set expires_at = now() - interval '1 second' where id = ?", hiredId);
		this.expiry.sweep();
		this.owner.postJson(ws("/api/v1/agents/" + hiredId + "/rehire"), "{\"reason\":\"again\"}");
		this.owner.delete(ws("/api/v1/crews/" + crewId));

		List<JsonNode> all = new ArrayList<>(events(crewId, 3));
		all.addAll(events(agentId, 5));
		all.addAll(events(hiredId, 5));
		Set<String> seen = new TreeSet<>();
		for (JsonNode event : all) {
			String type = event.get("type").asString();
			seen.add(type);
			assertThat(Cuid.isValid(event.get("id").asString())).as(type).isTrue();
			assertThat(event.get("workspace_id").asString()).as(type).isEqualTo(this.workspaceId);
			assertThat(event.get("subject").asString()).as(type).isEqualTo(event.get("data").get("id").asString());
			assertThat(event.get("time").asString()).as(type).endsWith("Z");
			assertThat(event.has("actor")).as(type).isTrue();
			Set<String> keys = new TreeSet<>(event.get("data").propertyNames());
			assertThat(keys).as(type).isEqualTo(new TreeSet<>(DATA_KEYS.get(type)));
		}
		assertThat(seen).isEqualTo(new TreeSet<>(DATA_KEYS.keySet()));
	}

}
