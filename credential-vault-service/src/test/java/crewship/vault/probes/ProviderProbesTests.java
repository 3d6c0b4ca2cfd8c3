package crewship.vault.probes;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import crewship.platform.net.PrivateAddresses;

/** Provider probes against WireMock standing in for the providers' APIs. */
class ProviderProbesTests {

	static WireMockServer providers = new WireMockServer(options().dynamicPort());

	ProviderProbes probes;

	@BeforeAll
	static void start() {
		providers.start();
	}

	@AfterAll
	static void stop() {
		providers.stop();
	}

	@BeforeEach
	void probes() {
		providers.resetAll();
		URI base = URI.create(providers.baseUrl());
		this.probes = new ProviderProbes(
				new ProbeProperties(Map.of("ANTHROPIC", base, "OPENAI", base.resolve("/openai/"), "GITHUB", base),
						Duration.ofSeconds(2), Duration.ofSeconds(2), true));
	}

	@Test
	void anthropicKeyIsSentAsXApiKeyAndAcceptedOn200() {
		providers.stubFor(get("/v1/models").withHeader("x-api-key", equalTo("sk-ant-api03-good"))
			.willReturn(aResponse().withStatus(200).withBody("{\"data\":[]}")));
		providers.stubFor(get("/v1/models").withHeader("x-api-key", equalTo("sk-ant-api03-bad"))
			.willReturn(aResponse().withStatus(401).withBody("{\"error\":\"sk-ant-api03-bad is invalid\"}")));
		ProbeResult good = this.probes.probe("ANTHROPIC", "API_KEY", "sk-ant-api03-good");
		assertThat(good).isEqualTo(new ProbeResult(true, 200, null, true, "ACTIVE"));
		ProbeResult bad = this.probes.probe("ANTHROPIC", "API_KEY", "sk-ant-api03-bad");
		assertThat(bad.valid()).isFalse();
		assertThat(bad.credentialStatus()).isEqualTo("INVALID");
		assertThat(bad.error()).as("never echoes the answer or the value").doesNotContain("sk-ant");
		providers
			.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("anthropic-version", equalTo("2023-06-01")));
		assertThat(this.probes.probe("ANTHROPIC", "AI_CLI_TOKEN", "sk-ant-oat01-x").supported())
			.as("OAuth tokens are not probed")
			.isFalse();
	}

	@Test
	void openAiCompatibleBaseUrlsAndGithubBearerTokens() {
		providers.stubFor(get("/openai/v1/models").withHeader("Authorization", equalTo("Bearer sk-proj-1"))
			.willReturn(aResponse().withStatus(200)));
		providers.stubFor(get("/user").willReturn(aResponse().withStatus(403)));
		assertThat(this.probes.probe("OPENAI", "API_KEY", "sk-proj-1").valid()).isTrue();
		ProbeResult github = this.probes.probe("GITHUB", "SECRET", "ghp_x");
		assertThat(github.status()).isEqualTo(403);
		assertThat(github.credentialStatus()).isEqualTo("INVALID");
		providers.verify(getRequestedFor(urlEqualTo("/user")).withHeader("Authorization", equalTo("Bearer ghp_x"))
			.withHeader("User-Agent", equalTo("crewship-vault")));
	}

	@Test
	void slowFailingAndRateLimitingProvidersAreBounded() {
		providers.stubFor(get("/v1/models").willReturn(aResponse().withStatus(200).withFixedDelay(6000)));
		long started = System.nanoTime();
		ProbeResult slow = this.probes.probe("ANTHROPIC", "API_KEY", "sk-ant-api03-slow");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(4500));
		assertThat(slow.valid()).isFalse();
		assertThat(slow.status()).isZero();
		assertThat(slow.credentialStatus()).isEqualTo("ERROR");

		providers.stubFor(get("/openai/v1/models").willReturn(aResponse().withStatus(503)));
		assertThat(this.probes.probe("OPENAI", "API_KEY", "k").credentialStatus()).isEqualTo("ERROR");
		providers.stubFor(get("/user").willReturn(aResponse().withStatus(429)));
		assertThat(this.probes.probe("GITHUB", "SECRET", "k").credentialStatus()).isEqualTo("RATE_LIMITED");
		providers.stubFor(get("/user")
			.willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
		assertThat(this.probes.probe("GITHUB", "SECRET", "k").credentialStatus()).isEqualTo("ERROR");
	}

	@Test
	void genericBearerUrlAndUnprobedProviders() {
		providers.stubFor(get("/health").willReturn(aResponse().withStatus(204)));
		assertThat(this.probes.probe("NONE", "ENDPOINT_URL", providers.baseUrl() + "/health").valid()).isTrue();
		assertThat(this.probes.probe("NONE", "ENDPOINT_URL", "ftp://example.com/x").valid()).isFalse();
		ProbeResult none = this.probes.probe("NONE", "SECRET", "x");
		assertThat(none.valid()).isTrue();
		assertThat(none.supported()).isFalse();
		assertThat(none.error()).isEqualTo("No validation available for this provider");

		ProviderProbes guarded = new ProviderProbes(new ProbeProperties(null, null, null, false));
		ProbeResult refused = guarded.probe("NONE", "ENDPOINT_URL", providers.baseUrl() + "/health");
		assertThat(refused.valid()).as("the suite's own network is off limits").isFalse();
		assertThat(refused.error()).contains("Private");
		assertThat(PrivateAddresses.isPrivate("10.1.2.3")).isTrue();
		assertThat(PrivateAddresses.isPrivate("169.254.169.254")).as("cloud metadata").isTrue();
		assertThat(PrivateAddresses.isPrivate("8.8.8.8")).isFalse();
		assertThat(PrivateAddresses.isPrivate("100.64.1.1")).as("carrier-grade NAT").isTrue();
		assertThat(PrivateAddresses.isPrivate("[::1]")).as("an IPv6 literal in brackets").isTrue();
	}

}
