package crewship.mission.runtimes.llm;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;

import crewship.mission.MissionTestSupport;
import crewship.mission.runs.RunStatus;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run through the engine for agents whose provider key is bound in the vault: the
 * answer is the provider's (WireMock standing in), streamed into the run, with model,
 * tokens and cost recorded on it; a provider that keeps failing ends the run FAILED with
 * its reason.
 */
class EngineLlmTests extends MissionTestSupport {

	final WireMockServer provider = LlmStandIns.providers();

	@Test
	void aRunOfAnAgentWithABoundKeyCompletesThroughItsProvider() {
		String crewId = crew("Release");
		String agentId = agent(crewId, "Nora", Map.of("llm_provider", "OPENAI", "llm_model", "gpt-4o-mini", "persona",
				"You write release notes.", "skills", List.of("changelog")));
		String key = "sk-openai-engine-" + agentId;
		LlmStandIns.vaultBinds(agentId, "OPENAI_API_KEY", "OPENAI", key);
		this.provider.stubFor(post("/v1/chat/completions").withHeader("authorization", equalTo("Bearer " + key))
			.willReturn(aResponse().withStatus(200)
				.withHeader("content-type", "text/event-stream")
				.withBody(LlmRuntimeTests.openaiStream("gpt-4o-mini-2024-07-18", "Release ", "1.2 ", "ships."))));

		String runId = submit(agentId, crewId, "Write the notes for 1.2");
		awaitStatus(runId, RunStatus.COMPLETED);

		assertThat(column(runId, "output", String.class)).isEqualTo("Release 1.2 ships.");
		assertThat(column(runId, "runtime", String.class)).isEqualTo("openai");
		assertThat(column(runId, "provider", String.class)).isEqualTo("openai");
		assertThat(column(runId, "model", String.class)).isEqualTo("gpt-4o-mini-2024-07-18");
		assertThat(column(runId, "input_tokens", Long.class)).isEqualTo(40);
		assertThat(column(runId, "output_tokens", Long.class)).isEqualTo(12);
		assertThat(column(runId, "cost_usd", BigDecimal.class)).isPositive();
		this.provider.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withHeader("authorization", equalTo("Bearer " + key))
			.withRequestBody(matchingJsonPath("$.messages[0].content",
					equalTo("You write release notes.\n\nYour skills: changelog.")))
			.withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Write the notes for 1.2"))));

		List<JsonNode> events = missionEvents(runId, read -> types(read).contains("run.updated"));
		assertThat(events.getLast().get("data").get("summary").asString()).isEqualTo("Release 1.2 ships.");
		assertThat(events.toString()).doesNotContain(key);
		assertThat(this.jdbc.queryForObject("select count(*) from run where id = ? and (output like ? or error like ?)",
				Long.class, runId, "%" + key + "%", "%" + key + "%"))
			.isZero();
	}

	@Test
	void aRunWhoseProviderKeepsFailingEndsFailedWithTheReason() {
		String crewId = crew("Ops");
		String agentId = agent(crewId, "Otto", Map.of("llm_provider", "ANTHROPIC"));
		String key = "sk-ant-engine-" + agentId;
		LlmStandIns.vaultBinds(agentId, "ANTHROPIC_API_KEY", "ANTHROPIC", key);
		this.provider.stubFor(post("/v1/messages").withHeader("x-api-key", equalTo(key))
			.willReturn(aResponse().withStatus(500)
				.withHeader("content-type", "application/json")
				.withBody(
						"{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}")));

		String runId = submit(agentId, crewId, "Check the deploy");
		awaitStatus(runId, RunStatus.FAILED);

		assertThat(column(runId, "error", String.class)).contains("anthropic answered 500")
			.contains("Internal server error")
			.contains("gave up after")
			.doesNotContain(key);
		assertThat(column(runId, "runtime", String.class)).isEqualTo("anthropic");
	}

}
