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

	/**
	 * The agent summary every agent event but deletion and expiry carries: what other
	 * services copy, the run engine's fields included.
	 */
	static final String[] AGENT = { "id", "crew_id", "name", "slug", "status", "ephemeral", "agent_role",
			"llm_provider", "llm_model", "timeout_seconds", "persona", "skills" };

	/** Keys an event type may carry besides its pinned ones. */
	static final Map<String, Set<String>> OPTIONAL_KEYS = Map.of("agent.updated", Set.of("change"));

	static final Map<String, Set<String>> DATA_KEYS = Map.ofEntries(
			Map.entry("crew.created", Set.of("id", "name", "slug", "issue_prefix")),
			Map.entry("crew.updated", Set.of("id", "name", "slug", "issue_prefix", "change")),
			Map.entry("crew.deleted", Set.of("id", "slug")), Map.entry("agent.created", Set.of(AGENT)),
			Map.entry("agent.updated", Set.of(AGENT)), Map.entry("agent.deleted", Set.of("id", "crew_id")),
			Map.entry("agent.hired",
					with(AGENT, "decision", "template_slug", "expires_at", "hire_reason", "inbox_item_id")),
			Map.entry("agent.rehired", with(AGENT, "expires_at")), Map.entry("agent.hire_approved", Set.of(AGENT)),
			Map.entry("agent.skill_assigned", Set.of("id", "skill_id", "skill_slug", "assignment_id")),
			Map.entry("agent.skill_unassigned", Set.of("id", "skill_id", "skill_slug", "assignment_id")),
			Map.entry("agent.expired", Set.of("id", "crew_id", "name", "expired_at")));

	static Set<String> with(String[] summary, String... more) {
		Set<String> keys = new TreeSet<>(List.of(summary));
		keys.addAll(List.of(more));
		return keys;
	}

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
		put(this.owner, ws("/api/v1/agents/" + agentId + "/persona"), "{\"content\":\"Terse.\"}");
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
		all.addAll(events(agentId, 8));
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
			keys.removeAll(OPTIONAL_KEYS.getOrDefault(type, Set.of()));
			assertThat(keys).as(type).isEqualTo(new TreeSet<>(DATA_KEYS.get(type)));
		}
		assertThat(seen).isEqualTo(new TreeSet<>(DATA_KEYS.keySet()));
	}

	/**
	 * mission-service runs an agent from its copy of these events: provider, model,
	 * timeout, persona and skills must follow every change that affects a run.
	 */
	@Test
	void agentEventsCarryWhatTheRunEngineNeeds() {
		String agentId = this.owner
			.postJson(ws("/api/v1/agents"), "{\"name\":\"Runner\",\"slug\":\"" + slug("r")
					+ "\",\"llm_provider\":\"ANTHROPIC\",\"llm_model\":\"claude-haiku-4-5\",\"timeout_seconds\":600}")
			.json()
			.get("id")
			.asString();
		put(this.owner, ws("/api/v1/agents/" + agentId + "/persona"), "{\"content\":\"You review code.\"}");
		String skill = slug("skill");
		String skillId = this.owner
			.postJson("/api/v1/workspaces/" + this.workspaceId + "/skills/import",
					"{\"content\":\"---\\nname: " + skill + "\\n---\\nbody\"}")
			.json()
			.get("id")
			.asString();
		this.owner.postJson(ws("/api/v1/agents/" + agentId + "/skills"), "{\"skill_id\":\"" + skillId + "\"}");
		patch(this.owner, ws("/api/v1/agents/" + agentId), "{\"llm_provider\":\"OPENAI\",\"llm_model\":\"gpt-4o\"}");

		List<JsonNode> events = events(agentId, 5);
		assertThat(types(events)).containsExactly("agent.created", "agent.updated", "agent.skill_assigned",
				"agent.updated", "agent.updated");
		JsonNode created = events.get(0).get("data");
		assertThat(created.get("llm_provider").asString()).isEqualTo("ANTHROPIC");
		assertThat(created.get("llm_model").asString()).isEqualTo("claude-haiku-4-5");
		assertThat(created.get("timeout_seconds").asInt()).isEqualTo(600);
		assertThat(created.get("persona").isNull()).isTrue();
		assertThat(created.get("skills")).isEmpty();
		JsonNode persona = events.get(1).get("data");
		assertThat(persona.get("change").asString()).isEqualTo("persona_set");
		assertThat(persona.get("persona").asString()).isEqualTo("You review code.");
		JsonNode skills = events.get(3).get("data");
		assertThat(skills.get("change").asString()).isEqualTo("skills");
		assertThat(skills.get("skills").valueStream().map(JsonNode::asString)).containsExactly(skill);
		JsonNode patched = events.get(4).get("data");
		assertThat(patched.get("llm_provider").asString()).isEqualTo("OPENAI");
		assertThat(patched.get("llm_model").asString()).isEqualTo("gpt-4o");
		assertThat(patched.get("persona").asString()).isEqualTo("You review code.");
		assertThat(patched.get("skills").valueStream().map(JsonNode::asString)).containsExactly(skill);
	}

}
