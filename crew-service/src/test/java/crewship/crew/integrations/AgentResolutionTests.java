package crewship.crew.integrations;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agent bindings and the resolved set: the precedence table (agent &gt; crew &gt;
 * workspace, a workspace server's own switch above all, disabled tools removed) for an
 * agent with bindings, a crew mate without, and an agent of another crew; and the binding
 * endpoints' rules.
 */
class AgentResolutionTests extends IntegrationTestSupport {

	@Test
	void theEffectiveSetFollowsThePrecedenceTable() {
		String crew = crew(slug("home"));
		String otherCrew = crew(slug("away"));
		String agent = agent(crew, slug("bound"));
		String mate = agent(crew, slug("mate"));
		String stranger = agent(otherCrew, slug("stranger"));

		String w1 = workspaceServer("{\"name\":\"w1-plain\",\"endpoint\":\"https://w1.example/mcp\"}");
		String w2 = workspaceServer("{\"name\":\"w2-crew-off\",\"endpoint\":\"https://w2.example/mcp\"}");
		String w3 = workspaceServer("{\"name\":\"w3-killed\",\"endpoint\":\"https://w3.example/mcp\"}");
		ok(patch(this.owner, ws("/api/v1/integrations/" + w3), "{\"enabled\":false}"));
		String w4 = workspaceServer("{\"name\":\"w4-overridden\",\"endpoint\":\"https://w4.example/mcp\"}");
		String w5 = workspaceServer("{\"name\":\"w5-agent-off\",\"endpoint\":\"https://w5.example/mcp\"}");

		String c1 = crewServer(crew, "{\"name\":\"c1-tools\",\"endpoint\":\"https://c1.example/mcp\"}");
		String c2 = crewServer(crew, "{\"name\":\"c2-crew-off\",\"endpoint\":\"https://c2.example/mcp\"}");
		ok(patch(this.owner, ws("/api/v1/crews/" + crew + "/integrations/" + c2), "{\"enabled\":false}"));
		String cw2 = crewServer(crew, "{\"name\":\"w2-in-crew\",\"workspace_mcp_server_id\":\"" + w2 + "\"}");
		ok(patch(this.owner, ws("/api/v1/crews/" + crew + "/integrations/" + cw2), "{\"enabled\":false}"));
		String crewToken = FakeVault.put(this.workspaceId, "crew-w4-token", "API_KEY", "crew-secret");
		String cw4 = crewServer(crew, "{\"name\":\"w4-in-crew\",\"workspace_mcp_server_id\":\"" + w4
				+ "\",\"endpoint\":\"https://w4-crew.example/mcp\"}");
		this.jdbc.update("update crew_mcp_server set credential_id = ? where id = ?", crewToken, cw4);
		String tools = ws("/api/v1/crews/" + crew + "/integrations/" + c1 + "/tools");
		ok(this.owner.postJson(ws("/api/v1/crews/" + crew + "/integrations/" + c1 + "/tools/refresh"),
				"{\"tools\":[{\"name\":\"read\"},{\"name\":\"write\"}]}"));
		ok(patch(this.owner, tools.replace("/tools?", "/tools/write?"), "{\"enabled\":false}"));

		String agentToken = FakeVault.put(this.workspaceId, "agent-w1-token", "API_KEY", "agent-secret");
		bind(agent, w5, "workspace", ",\"enabled\":false");
		bind(agent, w2, "workspace", "");
		bind(agent, c2, "crew", "");
		bind(agent, w1, "workspace",
				",\"credential_id\":\"" + agentToken + "\",\"cred_type\":\"api_key\",\"cred_header\":\"X-Key\"");
		bind(agent, w3, "workspace", "");

		Map<String, JsonNode> bound = resolved(agent);
		assertThat(bound.keySet()).containsExactly("c1-tools", "c2-crew-off", "w1-plain", "w2-in-crew", "w4-in-crew");
		assertThat(bound.get("w1-plain").get("scope").asString()).isEqualTo("workspace");
		assertThat(bound.get("w1-plain").get("credential_id").asString()).isEqualTo(agentToken);
		assertThat(bound.get("w1-plain").get("credential_name").asString()).isEqualTo("agent-w1-token");
		assertThat(bound.get("w1-plain").get("cred_type").asString()).isEqualTo("api_key");
		assertThat(bound.get("w1-plain").get("source").asString()).isEqualTo("agent");
		assertThat(bound.get("w2-in-crew").get("server_id").asString()).as("agent re-enables what its crew turned off")
			.isEqualTo(cw2);
		assertThat(bound.get("w2-in-crew").get("endpoint").asString()).isEqualTo("https://w2.example/mcp");
		assertThat(bound.get("w4-in-crew").get("scope").asString()).isEqualTo("crew");
		assertThat(bound.get("w4-in-crew").get("endpoint").asString()).isEqualTo("https://w4-crew.example/mcp");
		assertThat(bound.get("w4-in-crew").get("credential_name").asString()).isEqualTo("crew-w4-token");
		assertThat(bound.get("c1-tools").get("tools")).extracting(JsonNode::asString).containsExactly("read");
		assertThat(bound.get("c1-tools").get("disabled_tools")).extracting(JsonNode::asString).containsExactly("write");
		assertThat(bound.values()).allMatch(entry -> entry.get("enabled").asBoolean());

		Map<String, JsonNode> crewMate = resolved(mate);
		assertThat(crewMate.keySet()).containsExactly("c1-tools", "w1-plain", "w4-in-crew", "w5-agent-off");
		assertThat(crewMate.get("w1-plain").get("credential_id").isNull()).isTrue();

		Map<String, JsonNode> elsewhere = resolved(stranger);
		assertThat(elsewhere.keySet()).containsExactly("w1-plain", "w2-crew-off", "w4-overridden", "w5-agent-off");
		assertThat(elsewhere.get("w4-overridden").get("endpoint").asString()).isEqualTo("https://w4.example/mcp");

		String json = ok(this.owner.get(ws("/api/v1/agents/" + agent + "/integrations/resolved"))).body();
		assertThat(json).doesNotContain("agent-secret").doesNotContain("crew-secret");
	}

	@Test
	void bindingsFollowThePagesRules() {
		String crew = crew(slug("rules"));
		String otherCrew = crew(slug("other"));
		String agent = agent(crew, slug("agent"));
		String server = workspaceServer("{\"name\":\"srv\",\"endpoint\":\"https://srv.example/mcp\"}");
		String foreignCrewServer = crewServer(otherCrew,
				"{\"name\":\"theirs\",\"endpoint\":\"https://t.example/mcp\"}");
		String path = ws("/api/v1/agents/" + agent + "/integrations");

		assertProblem(
				this.owner.postJson(path, "{\"mcp_server_id\":\"" + server + "\",\"mcp_server_scope\":\"galaxy\"}"),
				400, "mcp_server_scope");
		assertProblem(this.owner.postJson(path, "{\"mcp_server_id\":\"nope\",\"mcp_server_scope\":\"workspace\"}"), 400,
				"mcp_server_id");
		assertProblem(
				this.owner.postJson(path,
						"{\"mcp_server_id\":\"" + foreignCrewServer + "\",\"mcp_server_scope\":\"crew\"}"),
				400, "agent's crew");
		assertProblem(
				this.owner.postJson(path,
						"{\"mcp_server_id\":\"" + server
								+ "\",\"mcp_server_scope\":\"workspace\",\"cred_type\":\"carrier\"}"),
				400, "cred_type");
		assertProblem(
				this.owner.postJson(path,
						"{\"mcp_server_id\":\"" + server
								+ "\",\"mcp_server_scope\":\"workspace\",\"credential_id\":\"cred_unknown\"}"),
				400, "credential_id");

		JsonNode created = created(
				this.owner.postJson(path, "{\"mcp_server_id\":\"" + server + "\",\"mcp_server_scope\":\"workspace\"}"))
			.json();
		assertThat(created.get("cred_type").asString()).isEqualTo("bearer");
		assertThat(created.get("server_name").asString()).isEqualTo("srv");
		assertThat(created.get("enabled").asBoolean()).isTrue();
		String id = created.get("id").asString();
		assertProblem(
				this.owner.postJson(path, "{\"mcp_server_id\":\"" + server + "\",\"mcp_server_scope\":\"workspace\"}"),
				409, "already has a binding");

		String credential = FakeVault.put(this.workspaceId, "srv-token", "API_KEY", "v");
		JsonNode updated = ok(patch(this.owner, ws("/api/v1/agents/" + agent + "/integrations/" + id),
				"{\"credential_id\":\"" + credential + "\",\"env_var_name\":\"SRV_TOKEN\",\"enabled\":false}"))
			.json();
		assertThat(updated.get("status").asString()).isEqualTo("updated");
		assertThat(updated.get("credential_name").asString()).isEqualTo("srv-token");
		assertThat(updated.get("enabled").asBoolean()).isFalse();
		assertProblem(patch(this.owner, ws("/api/v1/agents/" + agent + "/integrations/" + id), "{}"), 400, "No fields");
		JsonNode cleared = ok(patch(this.owner, ws("/api/v1/agents/" + agent + "/integrations/" + id),
				"{\"credential_id\":\"\",\"env_var_name\":\"\"}"))
			.json();
		assertThat(cleared.get("credential_id").isNull()).isTrue();

		TestHttp member = newMember(WorkspaceRole.MEMBER);
		assertThat(ok(member.get(path)).json()).hasSize(1);
		assertProblem(member.delete(ws("/api/v1/agents/" + agent + "/integrations/" + id)), 403, "");
		String otherWorkspace = Cuid.next();
		String otherOwner = Cuid.next();
		member(otherWorkspace, otherOwner, WorkspaceRole.OWNER);
		assertProblem(
				as(otherOwner).get("/api/v1/agents/" + agent + "/integrations/resolved?workspace_id=" + otherWorkspace),
				404, "Agent not found");

		assertThat(ok(this.owner.delete(ws("/api/v1/agents/" + agent + "/integrations/" + id))).json()
			.get("status")
			.asString()).isEqualTo("deleted");
		assertProblem(this.owner.delete(ws("/api/v1/agents/" + agent + "/integrations/" + id)), 404, "not found");
		assertThat(WorkspaceIntegrationTests.types(events(id, 4))).containsExactly("integration.created",
				"integration.updated", "integration.updated", "integration.deleted");
	}

	@Test
	void theRunEngineGetsTheAgentsServersToolsAndCredentialIdsButNoSecret() {
		String crew = crew(slug("engine"));
		String agent = agent(crew, slug("runner"));
		String token = FakeVault.put(this.workspaceId, "engine-token", "API_KEY", "engine-secret-value");
		String plain = workspaceServer("{\"name\":\"a-plain\",\"endpoint\":\"https://a.example/mcp\","
				+ "\"config_json\":\"{\\\"headers\\\":{\\\"X-Tenant\\\":\\\"acme\\\"}}\"}");
		String tooled = crewServer(crew, "{\"name\":\"b-tools\",\"endpoint\":\"https://b.example/mcp\"}");
		this.jdbc.update("update crew_mcp_server set credential_id = ?, cred_type = 'api_key', cred_header = 'X-Key'"
				+ " where id = ?", token, tooled);
		ok(this.owner.postJson(ws("/api/v1/crews/" + crew + "/integrations/" + tooled + "/tools/refresh"),
				"{\"tools\":[{\"name\":\"add\",\"description\":\"Adds\"},{\"name\":\"drop\"}]}"));
		this.jdbc.update(
				"update mcp_tool_binding set input_schema = ? where crew_mcp_server_id = ? and tool_name = 'add'",
				"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"}}}", tooled);
		ok(patch(this.owner, ws("/api/v1/crews/" + crew + "/integrations/" + tooled + "/tools/drop"),
				"{\"enabled\":false}"));
		crewServer(crew, "{\"name\":\"c-stdio\",\"transport\":\"stdio\",\"command\":\"npx\"}");

		TestHttp internal = this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.internal());
		String path = "/api/v1/internal/agents/" + agent + "/mcp-servers";
		Response answer = ok(internal.get(ws(path)));
		assertThat(answer.body()).doesNotContain("engine-secret-value");
		JsonNode servers = answer.json().get("servers");
		assertThat(servers).extracting(server -> server.get("name").asString())
			.as("stdio servers run only in a crew's own runtime")
			.containsExactly("a-plain", "b-tools");
		JsonNode first = servers.get(0);
		assertThat(first.get("server_id").asString()).isEqualTo(plain);
		assertThat(first.get("scope").asString()).isEqualTo("workspace");
		assertThat(first.get("transport").asString()).isEqualTo("streamable-http");
		assertThat(first.get("endpoint").asString()).isEqualTo("https://a.example/mcp");
		assertThat(first.get("headers").get("X-Tenant").asString()).isEqualTo("acme");
		assertThat(first.get("credential_id").isNull()).isTrue();
		assertThat(first.get("tools")).isEmpty();
		JsonNode second = servers.get(1);
		assertThat(second.get("server_id").asString()).isEqualTo(tooled);
		assertThat(second.get("scope").asString()).isEqualTo("crew");
		assertThat(second.get("credential_id").asString()).isEqualTo(token);
		assertThat(second.get("cred_type").asString()).isEqualTo("api_key");
		assertThat(second.get("cred_header").asString()).isEqualTo("X-Key");
		assertThat(second.get("tools")).singleElement().satisfies(tool -> {
			assertThat(tool.get("name").asString()).isEqualTo("add");
			assertThat(tool.get("description").asString()).isEqualTo("Adds");
			assertThat(tool.get("input_schema").get("properties").get("a").get("type").asString()).isEqualTo("number");
		});
		assertThat(second.get("disabled_tools")).extracting(JsonNode::asString).containsExactly("drop");

		// another workspace's agent, a stranger, no workspace, a member instead of the
		// engine
		assertProblem(internal.get(path + "?workspace_id=" + Cuid.next()), 404, "Agent not found");
		assertProblem(
				internal
					.get("/api/v1/internal/agents/" + Cuid.next() + "/mcp-servers?workspace_id=" + this.workspaceId),
				404, "Agent not found");
		assertProblem(internal.get(path), 400, "workspace_id");
		assertProblem(this.owner.get(ws(path)), 404, "No endpoint");
	}

	private String crewServer(String crew, String body) {
		return created(this.owner.postJson(ws("/api/v1/crews/" + crew + "/integrations"), body)).json()
			.get("id")
			.asString();
	}

	private void bind(String agent, String server, String scope, String extra) {
		created(this.owner.postJson(ws("/api/v1/agents/" + agent + "/integrations"),
				"{\"mcp_server_id\":\"" + server + "\",\"mcp_server_scope\":\"" + scope + "\"" + extra + "}"));
	}

	private Map<String, JsonNode> resolved(String agent) {
		JsonNode answer = ok(this.owner.get(ws("/api/v1/agents/" + agent + "/integrations/resolved"))).json();
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		answer.get("integrations").forEach(entry -> byName.put(entry.get("name").asString(), entry));
		return byName;
	}

}
