package crewship.crew.integrations;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the shape of the {@code integration.*} events (websocket.mdx's names) at each
 * tier, for realtime-service and any other consumer: the envelope, {@code data.scope},
 * and the entity fields that route the event to its crew and agent channels.
 */
class IntegrationEventContractTests extends IntegrationTestSupport {

	@Test
	void everyTierPublishesTheSameEnvelopeWithItsRoutingFields() {
		String crew = crew(slug("events"));
		String agent = agent(crew, slug("events"));
		String server = workspaceServer("{\"name\":\"ws-events\",\"endpoint\":\"https://e.example/mcp\"}");
		ok(patch(this.owner, ws("/api/v1/integrations/" + server), "{\"icon\":\"bolt\"}"));
		String crewServer = created(this.owner.postJson(ws("/api/v1/crews/" + crew + "/integrations"),
				"{\"name\":\"crew-events\",\"workspace_mcp_server_id\":\"" + server + "\"}"))
			.json()
			.get("id")
			.asString();
		ok(patch(this.owner, ws("/api/v1/crews/" + crew + "/integrations/" + crewServer + "/tools/search"),
				"{\"enabled\":false}"));
		String binding = created(this.owner.postJson(ws("/api/v1/agents/" + agent + "/integrations"),
				"{\"mcp_server_id\":\"" + server + "\",\"mcp_server_scope\":\"workspace\"}"))
			.json()
			.get("id")
			.asString();
		ok(this.owner.delete(ws("/api/v1/agents/" + agent + "/integrations/" + binding)));
		ok(this.owner.delete(ws("/api/v1/integrations/" + server)));

		List<JsonNode> all = new ArrayList<>(events(server, 3));
		all.addAll(events(crewServer, 3));
		all.addAll(events(binding, 2));
		Set<String> seen = new TreeSet<>();
		for (JsonNode event : all) {
			String type = event.get("type").asString();
			JsonNode data = event.get("data");
			String scope = data.get("scope").asString();
			seen.add(type + "/" + scope);
			assertThat(Cuid.isValid(event.get("id").asString())).isTrue();
			assertThat(event.get("workspace_id").asString()).isEqualTo(this.workspaceId);
			assertThat(event.get("subject").asString()).isEqualTo(data.get("id").asString());
			assertThat(event.get("actor").asString()).isEqualTo(this.ownerId);
			assertThat(event.get("time").asString()).endsWith("Z");
			switch (scope) {
				case "workspace" -> assertThat(data.get("name").asString()).isEqualTo("ws-events");
				case "crew" -> {
					assertThat(data.get("crew_id").asString()).isEqualTo(crew);
					assertThat(data.get("workspace_mcp_server_id").asString()).isEqualTo(server);
				}
				case "agent" -> {
					assertThat(data.get("agent_id").asString()).isEqualTo(agent);
					assertThat(data.get("mcp_server_id").asString()).isEqualTo(server);
					assertThat(data.get("mcp_server_scope").asString()).isEqualTo("workspace");
				}
				default -> throw new AssertionError("unknown scope " + scope);
			}
			assertThat(data.toString()).doesNotContain("credential_value").doesNotContain("token");
		}
		assertThat(seen).containsExactlyInAnyOrder("integration.created/workspace", "integration.updated/workspace",
				"integration.deleted/workspace", "integration.created/crew", "integration.updated/crew",
				"integration.deleted/crew", "integration.created/agent", "integration.deleted/agent");
		JsonNode toggled = events(crewServer, 3).stream()
			.filter(event -> event.get("type").asString().equals("integration.updated"))
			.findFirst()
			.orElseThrow();
		assertThat(toggled.get("data").get("tool_name").asString()).isEqualTo("search");
		assertThat(toggled.get("data").get("tool_enabled").asBoolean()).isFalse();
	}

}
