package crewship.systemtests;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.systemtests.Client.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MCP integrations through the gateway against the real suite: a workspace MCP server
 * pointing at an MCP server this test runs (Streamable HTTP, JSON-RPC by hand: a client
 * other than the one crew-service uses), tested for real, bound to a crew with its live
 * tools reconciled and one disabled, bound to an agent; the GitHub connector installed
 * with a PAT the vault keeps, bound to the crew with a tool disabled; and the agent's
 * resolved integrations showing both, without a secret.
 */
class IntegrationSystemTests {

	static String gateway;

	static HttpServer mcp;

	static final List<String> seen = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void start() throws IOException {
		gateway = RunningSuite.get().gatewayUrl();
		mcp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		mcp.createContext("/mcp", IntegrationSystemTests::answer);
		mcp.start();
	}

	@AfterAll
	static void stop() {
		mcp.stop(0);
	}

	/** A Streamable HTTP MCP server answering in plain JSON (no SSE stream offered). */
	static void answer(HttpExchange exchange) throws IOException {
		if (!exchange.getRequestMethod().equals("POST")) {
			respond(exchange, 405, null, null);
			return;
		}
		JsonNode request = Client.JSON.readTree(exchange.getRequestBody().readAllBytes());
		String method = request.path("method").asString();
		seen.add(method);
		ObjectNode reply = Client.JSON.createObjectNode().put("jsonrpc", "2.0");
		reply.set("id", request.get("id"));
		switch (method) {
			case "initialize" -> {
				reply.set("result", Client.JSON.readTree("""
						{"protocolVersion":"%s","capabilities":{"tools":{}},
						 "serverInfo":{"name":"system-test-mcp","version":"4.5.6"}}"""
					.formatted(request.path("params").path("protocolVersion").asString("2025-06-18"))));
				respond(exchange, 200, reply.toString(), "session-1");
			}
			case "tools/list" -> {
				reply.set("result", Client.JSON.readTree(
						"""
								{"tools":[{"name":"read_file","description":"Read a file","inputSchema":{"type":"object"}},
								          {"name":"delete_file","description":"Delete a file","inputSchema":{"type":"object"}}]}"""));
				respond(exchange, 200, reply.toString(), "session-1");
			}
			default -> respond(exchange, 202, null, null); // notifications
		}
	}

	static void respond(HttpExchange exchange, int status, String body, String session) throws IOException {
		if (session != null) {
			exchange.getResponseHeaders().set("Mcp-Session-Id", session);
		}
		if (body == null) {
			exchange.sendResponseHeaders(status, -1);
			exchange.close();
			return;
		}
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Test
	void aServerIsTestedBoundToACrewAndAnAgentAndResolvedWithAConnectorBesideIt() {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		String ws = "?workspace_id=" + workspaceId;
		String suffix = UUID.randomUUID().toString().substring(0, 8);

		// a workspace server at this test's MCP server, really connected to
		String serverId = created(post(owner, "/api/v1/integrations" + ws,
				"{\"name\":\"files\",\"display_name\":\"Files\",\"endpoint\":\"http://127.0.0.1:"
						+ mcp.getAddress().getPort() + "/mcp\"}"));
		Response tested = post(owner, "/api/v1/integrations/" + serverId + "/test" + ws, null);
		assertThat(tested.status()).as(tested.body()).isEqualTo(200);
		assertThat(tested.json().get("status").asString()).as(tested.body()).isEqualTo("ok");
		assertThat(tested.json().get("server_info").get("name").asString()).isEqualTo("system-test-mcp");
		assertThat(seen).contains("initialize", "notifications/initialized", "tools/list");

		// bound to a crew: the live tools reconciled, one of them turned off
		String crewId = created(
				post(owner, "/api/v1/crews" + ws, "{\"name\":\"Platform\",\"slug\":\"platform-" + suffix + "\"}"));
		String agentId = created(post(owner, "/api/v1/agents" + ws,
				"{\"name\":\"Ops\",\"slug\":\"ops-" + suffix + "\",\"crew_id\":\"" + crewId + "\"}"));
		String crewServer = created(post(owner, "/api/v1/crews/" + crewId + "/integrations" + ws,
				"{\"name\":\"files\",\"workspace_mcp_server_id\":\"" + serverId + "\"}"));
		String tools = "/api/v1/crews/" + crewId + "/integrations/" + crewServer + "/tools";
		Response refreshed = post(owner, tools + "/refresh" + ws, null);
		assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
		assertThat(refreshed.json().get("created").asInt()).as(refreshed.body()).isEqualTo(2);
		Response disabled = send(owner, "PATCH", tools + "/delete_file" + ws, "{\"enabled\":false}");
		assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);

		// bound to an agent
		created(post(owner, "/api/v1/agents/" + agentId + "/integrations" + ws,
				"{\"mcp_server_id\":\"" + crewServer + "\",\"mcp_server_scope\":\"crew\"}"));

		// the GitHub connector with a personal access token, bound to the crew with a
		// tool off
		String pat = "github_pat_SYSTEMTEST_" + suffix;
		Response installed = post(owner, "/api/v1/connectors/github/install" + ws,
				"{\"name\":\"GitHub (org)\",\"fields\":{\"token\":\"" + pat + "\"}}");
		assertThat(installed.status()).as(installed.body()).isEqualTo(201);
		String github = installed.json().get("integration_id").asString();
		String crewGithub = created(post(owner, "/api/v1/crews/" + crewId + "/integrations" + ws,
				"{\"name\":\"github\",\"workspace_mcp_server_id\":\"" + github + "\"}"));
		Response githubTool = send(owner, "PATCH",
				"/api/v1/crews/" + crewId + "/integrations/" + crewGithub + "/tools/delete_repository" + ws,
				"{\"enabled\":false}");
		assertThat(githubTool.status()).as(githubTool.body()).isEqualTo(200);

		// the agent's effective set
		Response resolved = Client.get(gateway + "/api/v1/agents/" + agentId + "/integrations/resolved" + ws, "Cookie",
				owner.cookieHeader());
		assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		resolved.json().get("integrations").forEach(entry -> byName.put(entry.get("name").asString(), entry));
		assertThat(byName.keySet()).containsExactly("files", "github");
		JsonNode files = byName.get("files");
		assertThat(files.get("server_id").asString()).isEqualTo(crewServer);
		assertThat(files.get("binding_id").isNull()).isFalse();
		assertThat(files.get("tools")).extracting(JsonNode::asString).containsExactly("read_file");
		assertThat(files.get("disabled_tools")).extracting(JsonNode::asString).containsExactly("delete_file");
		JsonNode githubEntry = byName.get("github");
		assertThat(githubEntry.get("endpoint").asString()).isEqualTo("https://api.githubcopilot.com/mcp/");
		assertThat(githubEntry.get("disabled_tools")).extracting(JsonNode::asString)
			.containsExactly("delete_repository");
		assertThat(githubEntry.get("credential_name").asString()).isEqualTo("GitHub (org) Personal access token");
		assertThat(resolved.body()).doesNotContain(pat);

		// the token is the vault's: listed there (without its value), in no crew-service
		// answer
		Response credentials = Client.get(gateway + "/api/v1/credentials" + ws, "Cookie", owner.cookieHeader());
		assertThat(credentials.status()).as(credentials.body()).isEqualTo(200);
		assertThat(credentials.body()).contains(githubEntry.get("credential_id").asString()).doesNotContain(pat);
		for (String path : List.of("/api/v1/integrations" + ws, "/api/v1/integrations/crews" + ws,
				"/api/v1/agents/" + agentId + "/integrations" + ws)) {
			Response read = Client.get(gateway + path, "Cookie", owner.cookieHeader());
			assertThat(read.status()).as(read.body()).isEqualTo(200);
			assertThat(read.body()).doesNotContain(pat);
		}

		// another workspace's owner sees none of it
		IdentitySystemTests.SignedIn stranger = IdentitySystemTests.signUpAndIn();
		assertThat(Client.get(gateway + "/api/v1/integrations/" + serverId + ws, "Cookie", stranger.cookieHeader())
			.status()).isEqualTo(404);
	}

	private static Response post(IdentitySystemTests.SignedIn user, String path, String json) {
		return Client.post(gateway + path, json, "Cookie", user.cookieHeader(), "Origin", gateway);
	}

	private static Response send(IdentitySystemTests.SignedIn user, String method, String path, String json) {
		return Client.send(method, gateway + path, json, "Cookie", user.cookieHeader(), "Origin", gateway);
	}

	private static String created(Response response) {
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.json().get(response.json().has("integration_id") ? "integration_id" : "id").asString();
	}

}
