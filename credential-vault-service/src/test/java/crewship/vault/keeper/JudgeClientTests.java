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
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** The judge client's fence, time bound and verdict parsing, without a Spring context. */
class JudgeClientTests {

	WireMockServer judge = new WireMockServer(options().dynamicPort());

	static JudgeClient client(boolean allowPrivate) {
		ProbeProperties properties = new ProbeProperties(null, Duration.ofSeconds(1), null, allowPrivate);
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
		JudgeClient.Models refused = client(false).models(URI.create(this.judge.baseUrl()), Duration.ofSeconds(2));
		assertThat(refused.ok()).isFalse();
		assertThat(refused.error()).contains("Private");
		this.judge.verify(0, anyRequestedFor(anyUrl()));
		assertThat(client(true).models(URI.create(this.judge.baseUrl()), Duration.ofSeconds(2)).ok()).isTrue();
	}

	@Test
	void aSlowJudgeCostsAtMostItsTimeout() {
		this.judge.stubFor(get("/api/tags").willReturn(aResponse().withFixedDelay(3000).withBody("{\"models\":[]}")));
		JudgeClient.Models late = client(true).models(URI.create(this.judge.baseUrl()), Duration.ofMillis(300));
		assertThat(late.ok()).isFalse();
		assertThat(late.error()).contains("in time");
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
