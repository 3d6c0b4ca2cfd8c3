package crewship.crew.integrations;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workspace MCP servers end to end: CRUD with the page's rules and roles, events, the
 * cascade of a delete, and {@code test} connecting to a real MCP server (the SDK's server
 * side) over Streamable HTTP and HTTP+SSE, with and without the authorization it wants.
 */
class WorkspaceIntegrationTests extends IntegrationTestSupport {

	static TestMcpServer open;

	static TestMcpServer guarded;

	@BeforeAll
	static void servers() {
		open = TestMcpServer.start(null, Map.of("search", "Search issues", "create_issue", "Create an issue"));
		guarded = TestMcpServer.start("s3cret-mcp-token", Map.of("deploy", "Deploy a service"));
	}

	@AfterAll
	static void stop() {
		open.close();
		guarded.close();
	}

	@Test
	void anOwnerManagesAServerAndEveryChangeIsAnEvent() {
		Response created = created(this.owner.postJson(ws("/api/v1/integrations"), """
				{"name":"github-mcp","transport":"stdio","command":"npx",
				 "args_json":"[\\"-y\\", \\"@modelcontextprotocol/server-github\\"]",
				 "env_json":"{\\"GITHUB_TOKEN\\": \\"{{credential:github-token}}\\"}","icon":"github"}"""));
		JsonNode server = created.json();
		String id = server.get("id").asString();
		assertThat(server.get("display_name").asString()).isEqualTo("github-mcp");
		assertThat(server.get("enabled").asBoolean()).isTrue();
		assertThat(server.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(server.get("endpoint").isNull()).isTrue();
		assertThat(server.get("agent_binding_count").asInt()).isZero();
		assertThat(server.get("crew_server_count").asInt()).isZero();

		assertThat(ok(this.owner.get(ws("/api/v1/integrations"))).json()).extracting(node -> node.get("id").asString())
			.containsExactly(id);
		assertThat(ok(this.owner.get(ws("/api/v1/integrations/" + id))).json().get("command").asString())
			.isEqualTo("npx");

		JsonNode updated = ok(
				patch(this.owner, ws("/api/v1/integrations/" + id), "{\"display_name\":\"GitHub\",\"enabled\":false}"))
			.json();
		assertThat(updated.get("display_name").asString()).isEqualTo("GitHub");
		assertThat(updated.get("enabled").asBoolean()).isFalse();
		assertThat(updated.get("args_json").asString()).contains("server-github");

		assertThat(ok(this.owner.delete(ws("/api/v1/integrations/" + id))).json().get("status").asString())
			.isEqualTo("deleted");
		assertProblem(this.owner.get(ws("/api/v1/integrations/" + id)), 404, "not found");

		List<JsonNode> events = events(id, 3);
		assertThat(events).extracting(event -> event.get("type").asString())
			.containsExactly("integration.created", "integration.updated", "integration.deleted");
		assertThat(events.get(0).get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(events.get(0).get("data").get("scope").asString()).isEqualTo("workspace");
		assertThat(events.get(0).get("data").get("name").asString()).isEqualTo("github-mcp");
	}

	@Test
	void invalidDefinitionsAreRefusedAndNothingIsWritten() {
		assertProblem(this.owner.postJson(ws("/api/v1/integrations"), "{\"endpoint\":\"https://x.example\"}"), 400,
				"name");
		assertProblem(
				this.owner.postJson(ws("/api/v1/integrations"),
						"{\"name\":\"a\",\"transport\":\"carrier-pigeon\",\"endpoint\":\"https://x.example\"}"),
				400, "transport");
		assertProblem(this.owner.postJson(ws("/api/v1/integrations"), "{\"name\":\"no-endpoint\"}"), 400,
				"endpoint is required");
		assertProblem(this.owner.postJson(ws("/api/v1/integrations"), "{\"name\":\"no-cmd\",\"transport\":\"stdio\"}"),
				400, "command is required");
		assertProblem(
				this.owner.postJson(ws("/api/v1/integrations"),
						"{\"name\":\"line\",\"transport\":\"stdio\",\"command\":\"npx -y server\"}"),
				400, "single executable");
		assertProblem(
				this.owner.postJson(ws("/api/v1/integrations"),
						"{\"name\":\"args\",\"transport\":\"stdio\",\"command\":\"srv\",\"args_json\":\"{}\"}"),
				400, "args_json must be a JSON array");
		assertProblem(this.owner.postJson(ws("/api/v1/integrations"),
				"""
						{"name":"leaky","transport":"stdio","command":"srv","env_json":"{\\"GITHUB_TOKEN\\": \\"ghp_literal\\"}"}"""),
				400, "literal secret");
		assertProblem(
				this.owner.postJson(ws("/api/v1/integrations"),
						"{\"name\":\"userinfo\",\"endpoint\":\"https://user:pw@mcp.example.com/mcp\"}"),
				400, "must not carry credentials");
		assertThat(ok(this.owner.get(ws("/api/v1/integrations"))).json()).isEmpty();

		workspaceServer("{\"name\":\"dup\",\"endpoint\":\"https://mcp.example.com/mcp\"}");
		assertProblem(this.owner.postJson(ws("/api/v1/integrations"),
				"{\"name\":\"dup\",\"endpoint\":\"https://other.example.com/mcp\"}"), 409, "already exists");
		// a quoted path with spaces is one executable
		created(this.owner.postJson(ws("/api/v1/integrations"),
				"{\"name\":\"spaced\",\"transport\":\"stdio\",\"command\":\"\\\"/opt/My Tools/server\\\"\"}"));
	}

	@Test
	void rolesAreThePagesAndAnotherWorkspaceSeesNothing() {
		String id = workspaceServer("{\"name\":\"srv\",\"endpoint\":\"" + open.url() + "\"}");
		TestHttp member = newMember(WorkspaceRole.MEMBER);
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		TestHttp admin = newMember(WorkspaceRole.ADMIN);
		ok(member.get(ws("/api/v1/integrations/" + id)));
		assertProblem(member.postJson(ws("/api/v1/integrations"), "{\"name\":\"m\",\"endpoint\":\"https://x.io\"}"),
				403, "");
		assertProblem(manager.postJson(ws("/api/v1/integrations"), "{\"name\":\"m\",\"endpoint\":\"https://x.io\"}"),
				403, "");
		assertProblem(member.postJson(ws("/api/v1/integrations/" + id + "/test"), null), 403, "");
		ok(manager.postJson(ws("/api/v1/integrations/" + id + "/test"), null));
		assertProblem(patch(manager, ws("/api/v1/integrations/" + id), "{\"enabled\":false}"), 403, "");
		ok(patch(admin, ws("/api/v1/integrations/" + id), "{\"enabled\":false}"));

		// a stranger, and the owner of another workspace asking for this one's server
		String otherWorkspace = Cuid.next();
		String otherOwner = Cuid.next();
		member(otherWorkspace, otherOwner, WorkspaceRole.OWNER);
		assertProblem(as(otherOwner).get(ws("/api/v1/integrations/" + id)), 404, "");
		assertProblem(as(otherOwner).get("/api/v1/integrations/" + id + "?workspace_id=" + otherWorkspace), 404,
				"not found");
		assertProblem(
				as(otherOwner).postJson("/api/v1/integrations/" + id + "/test?workspace_id=" + otherWorkspace, null),
				404, "not found");
		assertProblem(this.owner.get("/api/v1/integrations"), 400, "workspace");
	}

	@Test
	void testCompletesTheMcpHandshakeOverStreamableHttpAndSse() {
		String id = workspaceServer("{\"name\":\"open\",\"endpoint\":\"" + open.url() + "\"}");
		JsonNode tested = ok(this.owner.postJson(ws("/api/v1/integrations/" + id + "/test"), null)).json();
		assertThat(tested.get("status").asString()).as(tested.toString()).isEqualTo("ok");
		assertThat(tested.get("server_info").get("name").asString()).isEqualTo("test-mcp");
		assertThat(tested.get("server_info").get("version").asString()).isEqualTo("1.2.3");
		assertThat(tested.get("tools")).extracting(tool -> tool.get("name").asString())
			.containsExactlyInAnyOrder("search", "create_issue");
		assertThat(ok(this.owner.get(ws("/api/v1/integrations/" + id))).json().get("status").asString())
			.isEqualTo("ok");

		String sse = workspaceServer(
				"{\"name\":\"legacy\",\"transport\":\"sse\",\"endpoint\":\"" + open.sseUrl() + "\"}");
		JsonNode overSse = ok(this.owner.postJson(ws("/api/v1/integrations/" + sse + "/test"), null)).json();
		assertThat(overSse.get("status").asString()).as(overSse.toString()).isEqualTo("ok");
		assertThat(overSse.get("server_info").get("name").asString()).isEqualTo("test-mcp-sse");

		String nothing = workspaceServer("{\"name\":\"nothing\",\"endpoint\":\"http://127.0.0.1:9/mcp\"}");
		JsonNode refused = ok(this.owner.postJson(ws("/api/v1/integrations/" + nothing + "/test"), null)).json();
		assertThat(refused.get("status").asString()).isEqualTo("error");
		assertThat(refused.get("message").asString()).containsIgnoringCase("connect");
	}

	@Test
	void aServerBehindAuthorizationGetsTheCredentialFromTheVault() {
		String id = workspaceServer("{\"name\":\"guarded\",\"endpoint\":\"" + guarded.url() + "\"}");
		JsonNode unauthorized = ok(this.owner.postJson(ws("/api/v1/integrations/" + id + "/test"), null)).json();
		assertThat(unauthorized.get("status").asString()).isEqualTo("auth_required");

		String credential = FakeVault.put(this.workspaceId, "deploy-token", "API_KEY", "s3cret-mcp-token");
		this.jdbc.update("update mcp_server set credential_id = ? where id = ?", credential, id);
		JsonNode authorized = ok(this.owner.postJson(ws("/api/v1/integrations/" + id + "/test"), null)).json();
		assertThat(authorized.get("status").asString()).as(authorized.toString()).isEqualTo("ok");
		assertThat(authorized.get("tools").get(0).get("name").asString()).isEqualTo("deploy");
		assertThat(guarded.authorizations()).contains("Bearer s3cret-mcp-token");
		assertThat(authorized.toString()).doesNotContain("s3cret-mcp-token");

		FakeVault.down.set(true);
		Response unavailable = this.owner.postJson(ws("/api/v1/integrations/" + id + "/test"), null);
		assertProblem(unavailable, 503, "vault");
		assertThat(unavailable.header("Retry-After")).isNotBlank();
	}

	@Test
	void deletingAServerRemovesItsCrewOverridesAndAgentBindings() {
		String id = workspaceServer("{\"name\":\"shared\",\"endpoint\":\"" + open.url() + "\"}");
		String crew = crew(slug("crew"));
		String agent = agent(crew, slug("agent"));
		String override = created(this.owner.postJson(ws("/api/v1/crews/" + crew + "/integrations"),
				"{\"name\":\"shared-override\",\"workspace_mcp_server_id\":\"" + id + "\"}"))
			.json()
			.get("id")
			.asString();
		created(this.owner.postJson(ws("/api/v1/agents/" + agent + "/integrations"),
				"{\"mcp_server_id\":\"" + id + "\",\"mcp_server_scope\":\"workspace\"}"));
		created(this.owner.postJson(ws("/api/v1/agents/" + agent + "/integrations"),
				"{\"mcp_server_id\":\"" + override + "\",\"mcp_server_scope\":\"crew\"}"));
		JsonNode counted = ok(this.owner.get(ws("/api/v1/integrations/" + id))).json();
		assertThat(counted.get("agent_binding_count").asInt()).isEqualTo(1);
		assertThat(counted.get("crew_server_count").asInt()).isEqualTo(1);

		ok(this.owner.delete(ws("/api/v1/integrations/" + id)));
		assertThat(ok(this.owner.get(ws("/api/v1/crews/" + crew + "/integrations"))).json()).isEmpty();
		assertThat(ok(this.owner.get(ws("/api/v1/agents/" + agent + "/integrations"))).json()).isEmpty();
		assertThat(types(events(override, 2))).containsExactly("integration.created", "integration.deleted");
	}

	static List<String> types(List<JsonNode> events) {
		return events.stream().map(event -> event.get("type").asString()).toList();
	}

}
