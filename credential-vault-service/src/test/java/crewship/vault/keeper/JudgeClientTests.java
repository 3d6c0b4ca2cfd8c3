package crewship.vault.keeper;

import java.net.URI;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.vault.probes.EndpointFence;
import crewship.vault.probes.ProbeProperties;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** The judge client's fence, time bound and verdict parsing, without a Spring context. */
class JudgeClientTests {

	WireMockServer judge = new WireMockServer(options().dynamicPort());

	static JudgeClient client(boolean allowPrivate) {
		ProbeProperties properties = new ProbeProperties(null, Duration.ofSeconds(5), null, allowPrivate);
		return new JudgeClient(new EndpointFence(properties), properties, JsonMapper.builder().build());
	}

	@BeforeEach
	void start() {
		this.judge.start();
	}

	@AfterEach
	void stop() {
		this.judge.stop();
	}

	@Test
	void aLoopbackJudgeIsNotDialledWhileTheFenceIsUp() {
		this.judge.stubFor(get("/api/tags").willReturn(aResponse().withBody("{\"models\":[]}")));
		JudgeClient.Models refused = client(false).models(URI.create(this.judge.baseUrl()), Duration.ofSeconds(15));
		assertThat(refused.ok()).isFalse();
		assertThat(refused.error()).contains("Private");
		this.judge.verify(0, anyRequestedFor(anyUrl()));
		assertThat(client(true).models(URI.create(this.judge.baseUrl()), Duration.ofSeconds(15)).ok()).isTrue();
	}

	@Test
	void aSlowJudgeCostsAtMostItsTimeout() {
		this.judge.stubFor(get("/api/tags").willReturn(aResponse().withFixedDelay(3000).withBody("{\"models\":[]}")));
		JudgeClient.Models late = client(true).models(URI.create(this.judge.baseUrl()), Duration.ofMillis(300));
		assertThat(late.ok()).isFalse();
		assertThat(late.error()).contains("in time");
	}

	@Test
	void hostedModelsGetTheKeyInTheirOwnHeaderAndAnswerAVerdict() {
		URI base = URI.create(this.judge.baseUrl());
		this.judge.stubFor(post("/v1/messages").withHeader("x-api-key", equalTo("sk-ant-good"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody(
						"{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"decision\\\":\\\"ALLOW\\\",\\\"risk_score\\\":1}\"}]}")));
		this.judge.stubFor(post("/v1/chat/completions").withHeader("Authorization", equalTo("Bearer sk-openai"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"choices\":[{\"message\":{\"content\":\"DENY, this is risky\"}}]}")));
		this.judge.stubFor(post("/v1/messages").withHeader("x-api-key", equalTo("sk-ant-bad"))
			.willReturn(aResponse().withStatus(401)));
		JudgeClient client = client(true);
		assertThat(client.hostedVerdict("anthropic", base, "sk-ant-good", "claude", "p", Duration.ofSeconds(15))
			.decision()).isEqualTo("ALLOW");
		assertThat(client.hostedVerdict("openai", base, "sk-openai", "gpt", "p", Duration.ofSeconds(15)).decision())
			.isEqualTo("DENY");
		JudgeClient.Verdict refused = client.hostedVerdict("anthropic", base, "sk-ant-bad", "claude", "p",
				Duration.ofSeconds(15));
		assertThat(refused.ok()).isFalse();
		assertThat(refused.error()).contains("refused").doesNotContain("sk-ant-bad");
	}

	@Test
	void verdictsAreReadFromJsonOrPlainWords() {
		JudgeClient client = client(true);
		JudgeClient.Verdict json = client.parse("{\"decision\":\"deny\",\"reason\":\"no\",\"risk_score\":42}", 1);
		assertThat(json.decision()).isEqualTo("DENY");
		assertThat(json.riskScore()).as("clamped to 1-10").isEqualTo(10);
		assertThat(client.parse("I would ESCALATE this one", 1).decision()).isEqualTo("ESCALATE");
		assertThat(client.parse("no idea", 1).ok()).isFalse();
	}

}
