package crewship.crew.integrations;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crew MCP servers: standalone and overriding a workspace server, the cross-crew
 * overview, the per-tool state reconciled against a real server's live {@code tools/list}
 * or a posted list, and the page's roles.
 */
class CrewIntegrationTests extends IntegrationTestSupport {

	static TestMcpServer mcp;

	@BeforeAll
	static void server() {
		mcp = TestMcpServer.start(null,
				Map.of("search", "Search issues", "create_issue", "Create an issue", "delete_repo", "Delete a repo"));
	}

	@AfterAll
	static void stop() {
		mcp.close();
	}

	@Test
	void anOverrideInheritsWhatItLeavesOutAndTheOverviewListsEveryCrew() {
		String base = workspaceServer("""
				{"name":"tracker","display_name":"Tracker","endpoint":"%s","icon":"bug"}""".formatted(mcp.url()));
		String alpha = crew(slug("alpha"));
		String beta = crew(slug("beta"));
		JsonNode override = created(this.owner.postJson(ws("/api/v1/crews/" + alpha + "/integrations"),
				"{\"name\":\"tracker\",\"workspace_mcp_server_id\":\"" + base + "\",\"icon\":\"star\"}"))
			.json();
		assertThat(override.get("crew_id").asString()).isEqualTo(alpha);
		assertThat(override.get("crew_slug").asString()).startsWith("alpha-");
		assertThat(override.get("workspace_mcp_server_id").asString()).isEqualTo(base);
		assertThat(override.get("endpoint").asString()).as("inherited").isEqualTo(mcp.url());
		assertThat(override.get("icon").asString()).as("overridden").isEqualTo("star");
		assertThat(override.get("display_name").asString()).isEqualTo("Tracker");
		created(this.owner.postJson(ws("/api/v1/crews/" + beta + "/integrations"), """
				{"name":"local-fs","transport":"stdio","command":"mcp-fs","args_json":"[\\"/data\\"]"}"""));

		assertProblem(this.owner.postJson(ws("/api/v1/crews/" + alpha + "/integrations"),
				"{\"name\":\"tracker\",\"endpoint\":\"https://x.example/mcp\"}"), 409, "already exists");
		assertProblem(
				this.owner.postJson(ws("/api/v1/crews/" + alpha + "/integrations"),
						"{\"name\":\"bad-link\",\"workspace_mcp_server_id\":\"nope\"}"),
				400, "workspace_mcp_server_id");

		assertThat(ok(this.owner.get(ws("/api/v1/crews/" + alpha + "/integrations"))).json())
			.extracting(node -> node.get("name").asString())
			.containsExactly("tracker");
		assertThat(ok(this.owner.get(ws("/api/v1/integrations/crews"))).json())
			.extracting(node -> node.get("crew_id").asString())
			.containsExactlyInAnyOrder(alpha, beta);
		assertThat(ok(this.owner.get(ws("/api/v1/integrations/" + base))).json().get("crew_server_count").asInt())
			.isEqualTo(1);

		// the override follows its workspace server
		ok(patch(this.owner, ws("/api/v1/integrations/" + base), "{\"endpoint\":\"https://moved.example/mcp\"}"));
		assertThat(ok(this.owner.get(ws("/api/v1/crews/" + alpha + "/integrations"))).json()
			.get(0)
			.get("endpoint")
			.asString()).isEqualTo("https://moved.example/mcp");

		// a crew's server asked for under another crew is not there
		String id = override.get("id").asString();
		assertProblem(patch(this.owner, ws("/api/v1/crews/" + beta + "/integrations/" + id), "{\"enabled\":false}"),
				404, "not found");
		assertProblem(this.owner.get(ws("/api/v1/crews/nope/integrations")), 404, "Crew not found");
	}

	@Test
	void toolsAreReconciledWithTheServersLiveListAndTogglesSurviveARefresh() {
		String crew = crew(slug("tools"));
		String id = created(this.owner.postJson(ws("/api/v1/crews/" + crew + "/integrations"),
				"{\"name\":\"tracker\",\"endpoint\":\"" + mcp.url() + "\"}"))
			.json()
			.get("id")
			.asString();
		String tools = ws("/api/v1/crews/" + crew + "/integrations/" + id + "/tools");
		assertThat(ok(this.owner.get(tools)).json()).isEmpty();

		JsonNode tested = ok(this.owner.postJson(ws("/api/v1/crews/" + crew + "/integrations/" + id + "/test"), null))
			.json();
		assertThat(tested.get("status").asString()).isEqualTo("ok");

		String refresh = ws("/api/v1/crews/" + crew + "/integrations/" + id + "/tools/refresh");
		JsonNode refreshed = ok(this.owner.postJson(refresh, null)).json();
		assertThat(refreshed.get("success").asBoolean()).as(refreshed.toString()).isTrue();
		assertThat(refreshed.get("created").asInt()).isEqualTo(3);
		assertThat(refreshed.get("total").asInt()).isEqualTo(3);
		JsonNode listed = ok(this.owner.get(tools)).json();
		assertThat(listed).extracting(tool -> tool.get("tool_name").asString())
			.containsExactly("create_issue", "delete_repo", "search");
		assertThat(listed.get(0).get("enabled").asBoolean()).isTrue();
		assertThat(listed.get(0).get("description").asString()).isEqualTo("Create an issue");
		assertThat(listed.get(0).get("input_schema").get("type").asString()).isEqualTo("object");

		JsonNode toggled = ok(patch(this.owner, tools.replace("/tools?", "/tools/delete_repo?"), "{\"enabled\":false}"))
			.json();
		assertThat(toggled.get("tool_name").asString()).isEqualTo("delete_repo");
		assertThat(toggled.get("enabled").asBoolean()).isFalse();

		JsonNode again = ok(this.owner.postJson(refresh, null)).json();
		assertThat(again.get("created").asInt()).isZero();
		assertThat(again.get("updated").asInt()).isZero();
		assertThat(ok(this.owner.get(tools)).json()).filteredOn(tool -> !tool.get("enabled").asBoolean())
			.extracting(tool -> tool.get("tool_name").asString())
			.containsExactly("delete_repo");

		// a posted list (the UI after a test): new ones added, known descriptions
		// refreshed, none removed
		JsonNode posted = ok(this.owner.postJson(refresh,
				"""
						{"tools":[{"name":"search","description":"Search everything"},{"name":"archive","description":null}]}"""))
			.json();
		assertThat(posted.get("created").asInt()).isEqualTo(1);
		assertThat(posted.get("updated").asInt()).isEqualTo(1);
		assertThat(posted.get("total").asInt()).isEqualTo(2);
		assertThat(ok(this.owner.get(tools)).json()).hasSize(4);

		// a toggle of a tool never seen materialises it
		JsonNode fresh = ok(
				patch(this.owner, tools.replace("/tools?", "/tools/brand_new?"), "{\"description\":\"Later\"}"))
			.json();
		assertThat(fresh.get("enabled").asBoolean()).isTrue();
		assertProblem(patch(this.owner, tools.replace("/tools?", "/tools/brand_new?"), "{}"), 400,
				"enabled or description");
		assertThat(types(events(id, 4))).contains("integration.created", "integration.updated");
	}

	@Test
	void managersCreateCrewServersAndOnlyAdminsChangeThem() {
		String crew = crew(slug("roles"));
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		TestHttp member = newMember(WorkspaceRole.MEMBER);
		String id = created(manager.postJson(ws("/api/v1/crews/" + crew + "/integrations"),
				"{\"name\":\"by-manager\",\"endpoint\":\"" + mcp.url() + "\"}"))
			.json()
			.get("id")
			.asString();
		assertProblem(member.postJson(ws("/api/v1/crews/" + crew + "/integrations"),
				"{\"name\":\"by-member\",\"endpoint\":\"https://x.example/mcp\"}"), 403, "");
		ok(member.get(ws("/api/v1/crews/" + crew + "/integrations/" + id + "/tools")));
		assertProblem(patch(manager, ws("/api/v1/crews/" + crew + "/integrations/" + id), "{\"enabled\":false}"), 403,
				"");
		assertProblem(manager.postJson(ws("/api/v1/crews/" + crew + "/integrations/" + id + "/tools/refresh"), null),
				403, "");
		assertProblem(manager.delete(ws("/api/v1/crews/" + crew + "/integrations/" + id)), 403, "");
		ok(manager.postJson(ws("/api/v1/crews/" + crew + "/integrations/" + id + "/test"), null));
		JsonNode disabled = ok(
				patch(this.owner, ws("/api/v1/crews/" + crew + "/integrations/" + id), "{\"enabled\":false}"))
			.json();
		assertThat(disabled.get("enabled").asBoolean()).isFalse();
		assertThat(ok(this.owner.delete(ws("/api/v1/crews/" + crew + "/integrations/" + id))).json()
			.get("status")
			.asString()).isEqualTo("deleted");
		assertThat(ok(this.owner.get(ws("/api/v1/crews/" + crew + "/integrations"))).json()).isEmpty();
	}

	static java.util.List<String> types(java.util.List<JsonNode> events) {
		return events.stream().map(event -> event.get("type").asString()).toList();
	}

}
