package crewship.mission.runtimes.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.mission.MissionTestSupport;
import crewship.mission.mcp.McpProperties;
import crewship.mission.runs.RunStatus;
import crewship.platform.ids.Secrets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agents call their MCP tools: a run through the engine whose agent crew-service binds to
 * a real MCP server (the SDK's, {@link TestMcpServer}, behind a bearer token the vault
 * delivers), with WireMock as Anthropic and OpenAI asking for a tool and then answering
 * with its result. Every call is one row of {@code GET /api/v1/mcp-tool-calls}; a
 * disabled or unknown tool is denied and never called; a tool past the call timeout ends
 * as {@code timeout} while the run goes on; the tool rounds of a run are capped.
 */
class EngineToolTests extends MissionTestSupport {

	final WireMockServer provider = LlmStandIns.providers();

	final TestMcpServer mcp = TestMcpServer.shared();

	@Autowired
	McpProperties mcpProperties;

	@Test
	void anAnthropicAgentCallsItsMcpToolAndAnswersWithTheResult() {
		String crewId = crew("Calc");
		String agentId = agent(crewId, "Ada", Map.of("llm_provider", "ANTHROPIC"));
		String key = anthropicKey(agentId);
		String serverId = bindServer(agentId, "wipe");
		int a = unique();
		String arguments = "{\"a\": " + a + ", \"b\": 3}";
		answerAnthropic(key, 2, null,
				anthropicToolUse("Let me add. ", tool("toolu_1", "add", "{\"a\": " + a + ", ", "\"b\": 3}")));
		answerAnthropic(key, 1, "tool_result",
				LlmRuntimeTests.anthropicStream("claude-sonnet-4-5", "The sum is ", (a + 3) + "."));

		String runId = submit(agentId, crewId, "What is " + a + " + 3?");
		awaitStatus(runId, RunStatus.COMPLETED);

		assertThat(column(runId, "output", String.class)).isEqualTo("Let me add. The sum is " + (a + 3) + ".");
		assertThat(column(runId, "input_tokens", Long.class)).as("both rounds count").isEqualTo(50);
		assertThat(this.mcp.calls("add", a)).singleElement()
			.satisfies(call -> assertThat(((Number) call.arguments().get("b")).intValue()).isEqualTo(3));

		List<JsonNode> requests = requests("/v1/messages", "x-api-key", key);
		assertThat(requests).hasSize(2);
		assertThat(requests.get(0).get("tools")).extracting(tool -> tool.get("name").asString())
			.as("the disabled tool is not offered")
			.containsExactlyInAnyOrder("add", "slow");
		JsonNode add = toolNamed(requests.get(0).get("tools"), "add");
		assertThat(add.get("description").asString()).isEqualTo("Adds two numbers");
		assertThat(add.get("input_schema").get("properties").get("a").get("type").asString()).isEqualTo("number");
		JsonNode messages = requests.get(1).get("messages");
		JsonNode asked = messages.get(messages.size() - 2);
		assertThat(asked.get("role").asString()).isEqualTo("assistant");
		assertThat(asked.get("content").get(1).get("type").asString()).isEqualTo("tool_use");
		assertThat(asked.get("content").get(1).get("input").get("a").asInt()).isEqualTo(a);
		JsonNode result = messages.get(messages.size() - 1).get("content").get(0);
		assertThat(result.get("type").asString()).isEqualTo("tool_result");
		assertThat(result.get("tool_use_id").asString()).isEqualTo("toolu_1");
		assertThat(result.get("content").asString()).isEqualTo(String.valueOf(a + 3));

		JsonNode audit = auditOf(agentId);
		assertThat(audit).singleElement().satisfies(row -> {
			assertThat(row.get("tool_name").asString()).isEqualTo("add");
			assertThat(row.get("status").asString()).isEqualTo("success");
			assertThat(row.get("mcp_server_id").asString()).isEqualTo(serverId);
			assertThat(row.get("mcp_server_scope").asString()).isEqualTo("crew");
			assertThat(row.get("crew_id").asString()).isEqualTo(crewId);
			assertThat(row.get("input_hash").asString()).isEqualTo(Secrets.sha256Hex(arguments));
			assertThat(row.get("duration_ms").asLong()).isNotNegative();
		});
		assertThat(
				this.jdbc.queryForObject("select run_id from mcp_tool_call where agent_id = ?", String.class, agentId))
			.isEqualTo(runId);
		assertThat(toolLines(runId)).containsExactly("Called tool add: success");
		assertThat(this.jdbc.queryForObject(
				"select count(*) from run_log where run_id = ? and (content like ? or content like ?)", Long.class,
				runId, "%" + TestMcpServer.TOKEN + "%", "%\"b\"%"))
			.as("neither the server's token nor the arguments are logged")
			.isZero();
	}

	@Test
	void anOpenAiAgentCallsItsMcpToolAndAnswersWithTheResult() {
		String crewId = crew("Calc");
		String agentId = agent(crewId, "Otto", Map.of("llm_provider", "OPENAI", "llm_model", "gpt-4o-mini"));
		String key = "sk-openai-tools-" + agentId;
		LlmStandIns.vaultBinds(agentId, "OPENAI_API_KEY", "OPENAI", key);
		String serverId = bindServer(agentId);
		int a = unique();
		answerOpenAi(key, 2, null, openaiToolCall("call_1", "add", "{\"a\":" + a + ",", "\"b\":4}"));
		answerOpenAi(key, 1, "\"role\":\"tool\"",
				LlmRuntimeTests.openaiStream("gpt-4o-mini", "It is ", String.valueOf(a + 4)));

		String runId = submit(agentId, crewId, "Add " + a + " and 4");
		awaitStatus(runId, RunStatus.COMPLETED);

		assertThat(column(runId, "output", String.class)).isEqualTo("It is " + (a + 4));
		assertThat(this.mcp.calls("add", a)).singleElement()
			.satisfies(call -> assertThat(((Number) call.arguments().get("b")).intValue()).isEqualTo(4));
		List<JsonNode> requests = requests("/v1/chat/completions", "authorization", "Bearer " + key);
		assertThat(requests).hasSize(2);
		JsonNode offered = toolNamed(requests.get(0).get("tools"), "add");
		assertThat(offered.get("type").asString()).isEqualTo("function");
		assertThat(offered.get("function").get("parameters").get("properties").has("b")).isTrue();
		JsonNode messages = requests.get(1).get("messages");
		JsonNode asked = messages.get(messages.size() - 2);
		assertThat(asked.get("tool_calls").get(0).get("id").asString()).isEqualTo("call_1");
		assertThat(asked.get("tool_calls").get(0).get("function").get("name").asString()).isEqualTo("add");
		JsonNode answered = messages.get(messages.size() - 1);
		assertThat(answered.get("role").asString()).isEqualTo("tool");
		assertThat(answered.get("tool_call_id").asString()).isEqualTo("call_1");
		assertThat(answered.get("content").asString()).isEqualTo(String.valueOf(a + 4));

		assertThat(auditOf(agentId)).singleElement().satisfies(row -> {
			assertThat(row.get("status").asString()).isEqualTo("success");
			assertThat(row.get("mcp_server_id").asString()).isEqualTo(serverId);
			assertThat(row.get("input_hash").asString()).isEqualTo(Secrets.sha256Hex("{\"a\":" + a + "," + "\"b\":4}"));
		});
	}

	@Test
	void aDisabledOrUnknownToolIsDeniedAndNeverCalled() {
		String crewId = crew("Ops");
		String agentId = agent(crewId, "Dora", Map.of("llm_provider", "ANTHROPIC"));
		String key = anthropicKey(agentId);
		String serverId = bindServer(agentId, "wipe");
		int a = unique();
		answerAnthropic(key, 2, null,
				anthropicToolUse("", tool("toolu_w", "wipe", "{\"a\": " + a + "}"), tool("toolu_g", "ghost", "{}")));
		answerAnthropic(key, 1, "tool_result", LlmRuntimeTests.anthropicStream("claude-sonnet-4-5", "I may not."));

		String runId = submit(agentId, crewId, "Wipe it all");
		awaitStatus(runId, RunStatus.COMPLETED);

		assertThat(column(runId, "output", String.class)).isEqualTo("I may not.");
		assertThat(this.mcp.calls("wipe", a)).as("never called").isEmpty();
		JsonNode audit = auditOf(agentId);
		assertThat(audit).hasSize(2).allSatisfy(row -> assertThat(row.get("status").asString()).isEqualTo("denied"));
		Map<String, String> servers = new LinkedHashMap<>();
		audit.forEach(row -> servers.put(row.get("tool_name").asString(), row.get("mcp_server_id").asString()));
		assertThat(servers).containsEntry("wipe", serverId).containsEntry("ghost", "unknown");
		JsonNode results = requests("/v1/messages", "x-api-key", key).get(1).get("messages");
		JsonNode denied = results.get(results.size() - 1).get("content");
		assertThat(denied).hasSize(2).allSatisfy(block -> assertThat(block.get("is_error").asBoolean()).isTrue());
		assertThat(toolLines(runId)).containsExactlyInAnyOrder("Called tool wipe: denied", "Called tool ghost: denied");
	}

	@Test
	void aToolThatDoesNotAnswerInTimeIsRecordedAsTimeoutAndTheRunGoesOn() {
		String crewId = crew("Slow");
		String agentId = agent(crewId, "Sam", Map.of("llm_provider", "OPENAI", "llm_model", "gpt-4o-mini"));
		String key = "sk-openai-slow-" + agentId;
		LlmStandIns.vaultBinds(agentId, "OPENAI_API_KEY", "OPENAI", key);
		bindServer(agentId);
		answerOpenAi(key, 2, null, openaiToolCall("call_s", "slow", "{\"a\":1}"));
		answerOpenAi(key, 1, "\"role\":\"tool\"", LlmRuntimeTests.openaiStream("gpt-4o-mini", "Gave up waiting."));

		long started = System.nanoTime();
		String runId = submit(agentId, crewId, "Be slow");
		awaitStatus(runId, RunStatus.COMPLETED);

		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the call timeout, not the tool")
			.isLessThan(Duration.ofSeconds(7));
		assertThat(column(runId, "output", String.class)).isEqualTo("Gave up waiting.");
		assertThat(auditOf(agentId)).singleElement().satisfies(row -> {
			assertThat(row.get("status").asString()).isEqualTo("timeout");
			assertThat(row.get("tool_name").asString()).isEqualTo("slow");
			assertThat(row.get("duration_ms").asLong())
				.isGreaterThanOrEqualTo(this.mcpProperties.callTimeout().toMillis());
		});
		JsonNode messages = requests("/v1/chat/completions", "authorization", "Bearer " + key).get(1).get("messages");
		assertThat(messages.get(messages.size() - 1).get("content").asString()).contains("did not answer");
		assertThat(toolLines(runId)).singleElement().asString().startsWith("Called tool slow: timeout");
	}

	@Test
	void theToolRoundsOfARunAreCappedThenTheModelMustAnswer() {
		String crewId = crew("Loop");
		String agentId = agent(crewId, "Lou", Map.of("llm_provider", "ANTHROPIC"));
		String key = anthropicKey(agentId);
		bindServer(agentId);
		int a = unique();
		answerAnthropic(key, 2, null, anthropicToolUse("Again. ", tool("toolu_r", "add", "{\"a\": " + a + "}")));
		this.provider.stubFor(post("/v1/messages").atPriority(1)
			.withHeader("x-api-key", equalTo(key))
			.withRequestBody(matchingJsonPath("$.tool_choice.type", equalTo("none")))
			.willReturn(sse(LlmRuntimeTests.anthropicStream("claude-sonnet-4-5", "Done."))));

		String runId = submit(agentId, crewId, "Loop forever");
		awaitStatus(runId, RunStatus.COMPLETED);

		int rounds = this.mcpProperties.maxToolRounds();
		assertThat(rounds).isEqualTo(3);
		assertThat(this.mcp.calls("add", a)).hasSize(rounds);
		assertThat(auditOf(agentId)).hasSize(rounds);
		assertThat(requests("/v1/messages", "x-api-key", key)).hasSize(rounds + 1);
		assertThat(column(runId, "output", String.class)).isEqualTo("Again. ".repeat(rounds) + "Done.");
		assertThat(this.jdbc.queryForObject("select count(*) from run_log where run_id = ? and event = 'mcp.rounds'",
				Long.class, runId))
			.isOne();
		this.provider.verify(1, postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(key))
			.withRequestBody(matchingJsonPath("$.tool_choice.type", equalTo("none"))));
	}

	@Test
	void aRunStoppedWhileAToolWorksEndsWithinTwoSeconds() {
		String crewId = crew("Stop");
		String agentId = agent(crewId, "Stella", Map.of("llm_provider", "ANTHROPIC"));
		String key = anthropicKey(agentId);
		bindServer(agentId);
		int a = unique();
		answerAnthropic(key, 2, null, anthropicToolUse("", tool("toolu_s", "slow", "{\"a\": " + a + "}")));
		answerAnthropic(key, 1, "tool_result", LlmRuntimeTests.anthropicStream("claude-sonnet-4-5", "Never."));

		String runId = submit(agentId, crewId, "Take your time");
		await("the tool is working", () -> !this.mcp.calls("slow", a).isEmpty());
		long asked = System.nanoTime();
		assertThat(this.runs.cancel(this.workspaceId, runId, this.ownerId, "Enough")).isTrue();
		await("cancelled", Duration.ofSeconds(3), () -> status(runId) == RunStatus.CANCELLED);
		assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(2));
		assertThat(auditOf(agentId)).singleElement().satisfies(row -> {
			assertThat(row.get("status").asString()).isEqualTo("error");
			assertThat(row.get("error_message").asString()).isEqualTo("Stopped with the run");
		});
		assertThat(requests("/v1/messages", "x-api-key", key)).as("no round after the stop").hasSize(1);
	}

	@Test
	void aServerWhoseCredentialTheVaultCannotDeliverIsLeftOutAndTheRunGoesOn() {
		String crewId = crew("Locked");
		String agentId = agent(crewId, "Lena", Map.of("llm_provider", "ANTHROPIC"));
		String key = anthropicKey(agentId);
		bindServer(agentId);
		LlmStandIns.values.remove("crd_mcp_" + agentId);
		answerAnthropic(key, 2, null, LlmRuntimeTests.anthropicStream("claude-sonnet-4-5", "Without tools."));

		String runId = submit(agentId, crewId, "Try");
		awaitStatus(runId, RunStatus.COMPLETED);

		assertThat(column(runId, "output", String.class)).isEqualTo("Without tools.");
		assertThat(requests("/v1/messages", "x-api-key", key)).singleElement()
			.satisfies(request -> assertThat(request.has("tools")).isFalse());
		assertThat(this.jdbc.queryForList("select content from run_log where run_id = ? and event = 'mcp.unavailable'",
				String.class, runId))
			.singleElement()
			.asString()
			.contains("calc")
			.contains("credential");
		assertThat(this.mcp.refused).as("not even tried without its token").doesNotContain("null");
	}

	// --- helpers

	private static int unique() {
		return ThreadLocalRandom.current().nextInt(1_000, 1_000_000);
	}

	private static String anthropicKey(String agentId) {
		String key = "sk-ant-tools-" + agentId;
		LlmStandIns.vaultBinds(agentId, "ANTHROPIC_API_KEY", "ANTHROPIC", key);
		return key;
	}

	/**
	 * crew-service binds the agent to the test server (a crew server with a bearer
	 * credential the vault delivers), with these tools disabled. @return the server id
	 */
	private String bindServer(String agentId, String... disabled) {
		String serverId = "srv_" + agentId;
		String credentialId = "crd_mcp_" + agentId;
		LlmStandIns.values.put(credentialId, TestMcpServer.TOKEN);
		Map<String, Object> server = new LinkedHashMap<>();
		server.put("server_id", serverId);
		server.put("scope", "crew");
		server.put("name", "calc");
		server.put("transport", "streamable-http");
		server.put("endpoint", this.mcp.url());
		server.put("headers", Map.of());
		server.put("credential_id", credentialId);
		server.put("cred_type", "bearer");
		server.put("cred_header", null);
		server.put("tools", List.of());
		server.put("disabled_tools", List.of(disabled));
		LlmStandIns.mcpServers.put(agentId, List.of(server));
		return serverId;
	}

	private void answerAnthropic(String key, int priority, String bodyContains, String stream) {
		var request = post("/v1/messages").atPriority(priority).withHeader("x-api-key", equalTo(key));
		if (bodyContains != null) {
			request = request.withRequestBody(containing(bodyContains));
		}
		this.provider.stubFor(request.willReturn(sse(stream)));
	}

	private void answerOpenAi(String key, int priority, String bodyContains, String stream) {
		var request = post("/v1/chat/completions").atPriority(priority)
			.withHeader("authorization", equalTo("Bearer " + key));
		if (bodyContains != null) {
			request = request.withRequestBody(containing(bodyContains));
		}
		this.provider.stubFor(request.willReturn(sse(stream)));
	}

	private static ResponseDefinitionBuilder sse(String body) {
		return aResponse().withStatus(200).withHeader("content-type", "text/event-stream").withBody(body);
	}

	/** The bodies the provider received with this header, oldest first. */
	private List<JsonNode> requests(String path, String header, String value) {
		List<LoggedRequest> found = new ArrayList<>(
				this.provider.findAll(postRequestedFor(urlEqualTo(path)).withHeader(header, equalTo(value))));
		found.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
		return found.stream().map(request -> this.json.readTree(request.getBodyAsString())).toList();
	}

	private static JsonNode toolNamed(JsonNode tools, String name) {
		for (JsonNode tool : tools) {
			String named = tool.has("function") ? tool.get("function").get("name").asString()
					: tool.get("name").asString();
			if (name.equals(named)) {
				return tool;
			}
		}
		throw new AssertionError("no tool " + name + " in " + tools);
	}

	private JsonNode auditOf(String agentId) {
		return this.owner.get(ws("/api/v1/mcp-tool-calls?agent_id=" + agentId)).json();
	}

	/** The run's tool log lines, without their durations. */
	private List<String> toolLines(String runId) {
		return this.jdbc
			.queryForList("select content from run_log where run_id = ? and event = 'mcp.tool' order by ts",
					String.class, runId)
			.stream()
			.map(line -> line.replaceAll(" \\(\\d+ ms\\)$", ""))
			.toList();
	}

	record ToolUse(String id, String name, String... argumentPieces) {
	}

	private static ToolUse tool(String id, String name, String... argumentPieces) {
		return new ToolUse(id, name, argumentPieces);
	}

	/** An Anthropic stream: some text, then the tools asked for, input in pieces. */
	private String anthropicToolUse(String text, ToolUse... uses) {
		StringBuilder sse = new StringBuilder();
		ObjectNode start = this.json.createObjectNode().put("type", "message_start");
		start.putObject("message")
			.put("id", "msg_t")
			.put("model", "claude-sonnet-4-5")
			.putObject("usage")
			.put("input_tokens", 25)
			.put("output_tokens", 1);
		event(sse, "message_start", start);
		int index = 0;
		if (!text.isEmpty()) {
			ObjectNode block = this.json.createObjectNode().put("type", "content_block_start").put("index", index);
			block.putObject("content_block").put("type", "text").put("text", "");
			event(sse, "content_block_start", block);
			ObjectNode delta = this.json.createObjectNode().put("type", "content_block_delta").put("index", index);
			delta.putObject("delta").put("type", "text_delta").put("text", text);
			event(sse, "content_block_delta", delta);
			event(sse, "content_block_stop",
					this.json.createObjectNode().put("type", "content_block_stop").put("index", index));
			index++;
		}
		for (ToolUse use : uses) {
			ObjectNode block = this.json.createObjectNode().put("type", "content_block_start").put("index", index);
			ObjectNode content = block.putObject("content_block")
				.put("type", "tool_use")
				.put("id", use.id())
				.put("name", use.name());
			content.putObject("input");
			event(sse, "content_block_start", block);
			for (String piece : use.argumentPieces()) {
				ObjectNode delta = this.json.createObjectNode().put("type", "content_block_delta").put("index", index);
				delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
				event(sse, "content_block_delta", delta);
			}
			event(sse, "content_block_stop",
					this.json.createObjectNode().put("type", "content_block_stop").put("index", index));
			index++;
		}
		ObjectNode end = this.json.createObjectNode().put("type", "message_delta");
		end.putObject("delta").put("stop_reason", "tool_use");
		end.putObject("usage").put("output_tokens", 15);
		event(sse, "message_delta", end);
		event(sse, "message_stop", this.json.createObjectNode().put("type", "message_stop"));
		return sse.toString();
	}

	/** An OpenAI-compatible stream asking for one tool, its arguments in pieces. */
	private String openaiToolCall(String id, String name, String... argumentPieces) {
		StringBuilder sse = new StringBuilder();
		ObjectNode first = chunk();
		ObjectNode opening = ((ArrayNode) first.get("choices")).addObject().put("index", 0).putObject("delta");
		opening.put("role", "assistant");
		ObjectNode call = opening.putArray("tool_calls")
			.addObject()
			.put("index", 0)
			.put("id", id)
			.put("type", "function");
		call.putObject("function").put("name", name).put("arguments", "");
		sse.append("data: ").append(this.json.writeValueAsString(first)).append("\n\n");
		for (String piece : argumentPieces) {
			ObjectNode next = chunk();
			ObjectNode delta = ((ArrayNode) next.get("choices")).addObject().put("index", 0).putObject("delta");
			delta.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
			sse.append("data: ").append(this.json.writeValueAsString(next)).append("\n\n");
		}
		ObjectNode finish = chunk();
		((ArrayNode) finish.get("choices")).addObject()
			.put("index", 0)
			.put("finish_reason", "tool_calls")
			.putObject("delta");
		sse.append("data: ").append(this.json.writeValueAsString(finish)).append("\n\n");
		sse.append("data: {\"id\":\"c1\",\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":40,"
				+ "\"completion_tokens\":12,\"total_tokens\":52}}\n\n");
		sse.append("data: [DONE]\n\n");
		return sse.toString();
	}

	private ObjectNode chunk() {
		ObjectNode chunk = this.json.createObjectNode().put("id", "c1").put("model", "gpt-4o-mini");
		chunk.putArray("choices");
		return chunk;
	}

	private void event(StringBuilder sse, String name, JsonNode data) {
		sse.append("event: ").append(name).append("\ndata: ").append(this.json.writeValueAsString(data)).append("\n\n");
	}

}
