package crewship.mission.runtimes.llm;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;

import crewship.mission.agents.AgentProfile;
import crewship.mission.engine.AgentRuntime;
import crewship.mission.engine.RunOutcome;
import crewship.mission.engine.RuntimeRequest;
import crewship.mission.runs.Trigger;
import crewship.platform.events.EventEnvelope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.testing.ReferenceSchemas;
import crewship.platform.testing.ServiceTest;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The llm part inside mission-service: the {@link AgentRuntime} bean routes an agent with
 * a key bound in the vault to its provider, and the internal endpoints (completions,
 * aux-status) answer the gateway's internal listener only.
 */
@ServiceTest
class LlmServiceTests {

	final WireMockServer provider = LlmStandIns.providers();

	@LocalServerPort
	int port;

	@Autowired
	AgentRuntime runtime;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	JsonMapper json;

	TestHttp http;

	TestHttp internal;

	@BeforeEach
	void setUp() {
		this.provider.resetAll();
		this.http = new TestHttp("http://127.0.0.1:" + this.port);
		this.internal = this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.internal());
	}

	@Test
	void anAgentWithAKeyBoundInTheVaultRunsOnItsProvider() throws Exception {
		String agentId = Cuid.next();
		String key = "sk-ant-agent-" + Cuid.next();
		LlmStandIns.vaultBinds(agentId, "ANTHROPIC_API_KEY", "ANTHROPIC", key);
		this.provider.stubFor(post("/v1/messages").withHeader("x-api-key", equalTo(key))
			.willReturn(aResponse().withStatus(200)
				.withHeader("content-type", "text/event-stream")
				.withBody(LlmRuntimeTests.anthropicStream("claude-haiku-4-5-20251001", "Shipped", " it."))));
		RecordingOutput output = new RecordingOutput();
		AgentProfile agent = new AgentProfile(agentId, "ws_llm", null, "Runner", "runner", "engineer", "IDLE",
				"ANTHROPIC", "claude-haiku-4-5", null, "You ship things.", List.of("deploy"));

		RunOutcome outcome = this.runtime.execute(new RuntimeRequest(Cuid.next(), "ws_llm", agent, Trigger.MANUAL,
				"Ship it", List.of(), Duration.ofSeconds(30)), output);

		assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
		assertThat(outcome.runtime()).isEqualTo("anthropic");
		assertThat(outcome.text()).isEqualTo("Shipped it.");
		assertThat(outcome.model()).isEqualTo("claude-haiku-4-5-20251001");
		assertThat(outcome.inputTokens()).isEqualTo(25);
		assertThat(outcome.outputTokens()).isEqualTo(15);
		assertThat(outcome.costUsd()).as("priced from application.yml's claude-haiku-4 entry")
			.isCloseTo((25 * 1.0 + 15 * 5.0) / 1_000_000, org.assertj.core.data.Offset.offset(1e-12));
		assertThat(output.chunks).containsExactly("Shipped", " it.");
		assertThat(outcome.toString()).doesNotContain(key);
		this.provider.verify(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(key))
			.withRequestBody(matchingJsonPath("$.system", equalTo("You ship things.\n\nYour skills: deploy."))));
	}

	@Test
	void anAgentWithoutAKeyRunsLocallyInADevSuite() throws Exception {
		int before = LlmStandIns.vaultCalls.get();
		RecordingOutput output = new RecordingOutput();
		AgentProfile agent = new AgentProfile(Cuid.next(), "ws_llm", null, "Idle", "idle", "engineer", "IDLE", null,
				null, null, null, List.of());

		RunOutcome outcome = this.runtime.execute(new RuntimeRequest(Cuid.next(), "ws_llm", agent, Trigger.MANUAL,
				"Hello", List.of(), Duration.ofSeconds(30)), output);

		assertThat(LlmStandIns.vaultCalls.get()).as("the vault was asked").isGreaterThan(before);
		assertThat(outcome.runtime()).isEqualTo("local");
		assertThat(output.events("runtime.local")).singleElement()
			.asString()
			.contains("has no ANTHROPIC credential bound")
			.contains("--slot ANTHROPIC_API_KEY --agent idle");
		this.provider.verify(0, postRequestedFor(urlEqualTo("/v1/messages")));
	}

	@Test
	void completionsAnswerFromTheOperatorsProvider() {
		this.provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("content-type", "text/event-stream")
			.withBody(LlmRuntimeTests.anthropicStream("claude-sonnet-4-5-20250929", "---\\nname: x", "\\n---"))));
		String body = """
				{"workspace_id":"ws_1","purpose":"skill.generate","system":"You write skills.",
				 "prompt":"A skill that lints","max_tokens":512}""";

		Response answer = this.internal.postJson("/api/v1/internal/completions", body);

		assertThat(answer.status()).as(answer.body()).isEqualTo(200);
		assertThat(answer.json().get("text").asString()).isEqualTo("---\nname: x\n---");
		assertThat(answer.json().get("provider").asString()).isEqualTo("anthropic");
		assertThat(answer.json().get("model").asString()).isEqualTo("claude-sonnet-4-5-20250929");
		assertThat(answer.body()).doesNotContain(LlmStandIns.OPERATOR_KEY);
		this.provider.verify(
				postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(LlmStandIns.OPERATOR_KEY))
					.withRequestBody(matchingJsonPath("$.max_tokens", equalTo("512")))
					.withRequestBody(matchingJsonPath("$.system", equalTo("You write skills."))));

		assertThat(this.http
			.postJson("/api/v1/internal/completions", body, IdentityAssertion.HEADER, TestIdentities.user("usr_1"))
			.status()).as("only the internal listener").isEqualTo(404);
		assertThat(this.internal.postJson("/api/v1/internal/completions", "{\"workspace_id\":\"ws_1\"}").status())
			.isEqualTo(400);
	}

	@Test
	void completionsPreferTheWorkspacesOwnProviderKey() throws Exception {
		String workspaceId = "ws_" + Cuid.next();
		String credentialId = Cuid.next();
		String workspaceKey = "sk-ant-workspace-" + Cuid.next();
		LlmStandIns.values.put(credentialId, workspaceKey);
		EventEnvelope created = new EventEnvelope(Cuid.next(), "credential.created", workspaceId, credentialId, "usr_1",
				Timestamps.now(), this.json.valueToTree(Map.of("id", credentialId, "name", "anthropic", "type",
						"API_KEY", "provider", "ANTHROPIC", "status", "ACTIVE")));
		this.kafka.send("crewship.vault.v1", credentialId, this.json.writeValueAsString(created)).join();
		this.provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("content-type", "text/event-stream")
			.withBody(LlmRuntimeTests.anthropicStream("claude-sonnet-4-5", "ok"))));
		String body = "{\"workspace_id\":\"" + workspaceId + "\",\"purpose\":\"crew.suggest\",\"prompt\":\"Hi\"}";

		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (this.provider
			.findAll(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(workspaceKey)))
			.isEmpty() && System.nanoTime() < deadline) {
			assertThat(this.internal.postJson("/api/v1/internal/completions", body).status()).isEqualTo(200);
			Thread.sleep(200);
		}

		this.provider
			.verify(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(workspaceKey)));
		this.provider.resetRequests();
		EventEnvelope deleted = new EventEnvelope(Cuid.next(), "credential.deleted", workspaceId, credentialId, "usr_1",
				Timestamps.now(), this.json.valueToTree(Map.of("id", credentialId)));
		this.kafka.send("crewship.vault.v1", credentialId, this.json.writeValueAsString(deleted)).join();
		deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (this.provider
			.findAll(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key",
					equalTo(LlmStandIns.OPERATOR_KEY)))
			.isEmpty() && System.nanoTime() < deadline) {
			assertThat(this.internal.postJson("/api/v1/internal/completions", body).status()).isEqualTo(200);
			Thread.sleep(200);
		}
		this.provider.verify(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key",
				equalTo(LlmStandIns.OPERATOR_KEY)));
	}

	@Test
	void aFailingProviderIsABadGatewayWithItsReason() {
		this.provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(503)
			.withHeader("content-type", "application/json")
			.withBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));

		Response answer = this.internal.postJson("/api/v1/internal/completions",
				"{\"workspace_id\":\"ws_1\",\"purpose\":\"crew.suggest\",\"prompt\":\"Suggest a crew\"}");

		assertThat(answer.status()).isEqualTo(502);
		assertThat(answer.header("Content-Type")).contains("application/problem+json");
		assertThat(answer.json().get("detail").asString()).contains("anthropic answered 503").contains("Overloaded");
	}

	@Test
	void auxStatusResolvesEverySlotOnTheReferenceSchema() {
		Response answer = this.internal.get("/api/v1/internal/aux-status");

		assertThat(answer.status()).isEqualTo(200);
		ReferenceSchemas.shared()
			.assertConforms("GET", "/api/v1/system/aux-status", 200, answer.header("Content-Type"), answer.body());
		JsonNode subsystems = answer.json().get("subsystems");
		assertThat(subsystems.valueStream().map(s -> s.get("id").asString())).containsExactly("curator", "behavior",
				"memory_health", "negative", "run_summary");
		JsonNode curator = subsystems.get(0);
		assertThat(curator.get("source").asString()).isEqualTo("explicit");
		assertThat(curator.get("provider").asString()).isEqualTo("openai");
		assertThat(curator.get("model").asString()).isEqualTo("gpt-4o-mini");
		assertThat(curator.get("timeout_ms").asLong()).isEqualTo(30_000);
		assertThat(curator.get("healthy").asBoolean()).isFalse();
		assertThat(curator.get("detail").asString()).contains("CREWSHIP_OPENAI_API_KEY");
		JsonNode behavior = subsystems.get(1);
		assertThat(behavior.get("source").asString()).isEqualTo("fallback");
		assertThat(behavior.get("provider").asString()).isEqualTo("anthropic");
		assertThat(behavior.get("model").asString()).isEqualTo("claude-haiku-4-5");
		assertThat(behavior.get("timeout_ms").asLong()).isEqualTo(8_000);
		assertThat(behavior.get("healthy").asBoolean()).isTrue();
		assertThat(behavior.has("detail")).isFalse();
		assertThat(answer.body()).doesNotContain(LlmStandIns.OPERATOR_KEY);

		assertThat(this.http.get("/api/v1/internal/aux-status", IdentityAssertion.HEADER, TestIdentities.user("usr_1"))
			.status()).isEqualTo(404);
	}

}
