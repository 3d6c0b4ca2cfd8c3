package crewship.mission.runtimes.llm;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import crewship.mission.agents.AgentProfile;
import crewship.mission.engine.AgentRuntime;
import crewship.mission.MissionStandIns;
import crewship.mission.engine.RunOutcome;
import crewship.mission.engine.RuntimeRequest;
import crewship.mission.runs.Trigger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which runtime an agent gets, and what the vault's answer means for it.
 */
class RuntimeRouterTests {

	final AtomicInteger localRuns = new AtomicInteger();

	final AgentRuntime local = (request, output) -> {
		this.localRuns.incrementAndGet();
		return RunOutcome.completed("local answer", "local", null, null, 0, 0, 0);
	};

	static AgentProfile agent(String provider) {
		return new AgentProfile("agt_router", "ws_1", null, "Ada", "ada", "reviewer", "IDLE", provider, null, null,
				null, List.of());
	}

	static RuntimeRequest request(AgentProfile agent) {
		return new RuntimeRequest("run_1", "ws_1", agent, Trigger.MANUAL, "Go", List.of(), Duration.ofSeconds(5));
	}

	RuntimeRouter router(String env, ProviderCredentials.Lookup answer) {
		LlmProperties properties = Providers.at("http://127.0.0.1:1", env);
		ProviderCredentials vault = new ProviderCredentials(RestClient.create()) {
			@Override
			public Lookup find(String workspaceId, String agentId, String runId, LlmProperties.Named provider) {
				return answer;
			}
		};
		return new RuntimeRouter(new LlmRuntime(new ProviderClient(properties), properties), vault, properties,
				this.local);
	}

	@Test
	void inProductionAnAgentWithoutAKeyFailsWithHowToBindOne() throws Exception {
		RecordingOutput output = new RecordingOutput();
		RunOutcome outcome = router("production", new ProviderCredentials.None(false)).execute(request(agent(null)),
				output);

		assertThat(outcome.succeeded()).isFalse();
		assertThat(outcome.error()).isEqualTo("agent Ada has no ANTHROPIC credential bound; bind one with "
				+ "`crewship credential bind <credential> --slot ANTHROPIC_API_KEY --agent ada`");
		assertThat(output.events("runtime.unavailable")).hasSize(1);
		assertThat(outcome.runtime()).isEqualTo("anthropic");
		assertThat(outcome.provider()).isEqualTo("anthropic");
		assertThat(this.localRuns).hasValue(0);
	}

	@Test
	void inProductionAnUnreachableVaultOrAnUnknownProviderFailsTheRun() throws Exception {
		RunOutcome vaultDown = router("production",
				new ProviderCredentials.Unavailable("the credential vault could " + "not be reached"))
			.execute(request(agent("OPENAI")), new RecordingOutput());
		assertThat(vaultDown.succeeded()).isFalse();
		assertThat(vaultDown.error())
			.isEqualTo("no OPENAI key for agent Ada: the credential vault could not be reached");

		RunOutcome unknown = router("production", new ProviderCredentials.None(false))
			.execute(request(agent("MISTRAL")), new RecordingOutput());
		assertThat(unknown.succeeded()).isFalse();
		assertThat(unknown.error()).contains("llm_provider MISTRAL is not configured").contains("anthropic");
		assertThat(this.localRuns).hasValue(0);
	}

	@Test
	void aBoundButRevokedKeyIsNamedAsSuch() throws Exception {
		RunOutcome outcome = router("production", new ProviderCredentials.None(true)).execute(request(agent("openai")),
				new RecordingOutput());
		assertThat(outcome.error()).contains("has no OPENAI credential bound that the vault can deliver");
	}

	@Test
	void inADevSuiteAnAgentWithoutAKeyRunsLocally() throws Exception {
		RecordingOutput output = new RecordingOutput();
		RunOutcome outcome = router("development", new ProviderCredentials.None(false)).execute(request(agent(null)),
				output);
		assertThat(outcome.text()).isEqualTo("local answer");
		assertThat(this.localRuns).hasValue(1);
		assertThat(output.events("runtime.local")).hasSize(1);
	}

	@Test
	void aStalledVaultIsAbandonedWithinTwoSecondsOfTheInterrupt() throws Exception {
		HttpServer silent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		silent.createContext("/", exchange -> {
			// never answers
		});
		silent.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		silent.start();
		try {
			// as the platform's internalRestClient: the JDK client, a 5 s read timeout
			JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newHttpClient());
			requests.setReadTimeout(Duration.ofSeconds(5));
			ProviderCredentials vault = new ProviderCredentials(RestClient.builder()
				.requestFactory(requests)
				.baseUrl("http://127.0.0.1:" + silent.getAddress().getPort())
				.build());
			LlmProperties.Named anthropic = Providers.at("http://127.0.0.1:1", "production")
				.provider("anthropic")
				.orElseThrow();
			AtomicReference<Object> ended = new AtomicReference<>();
			Thread run = Thread.ofVirtual().start(() -> {
				try {
					ended.set(vault.find("ws_1", "agt_1", "run_1", anthropic));
				}
				catch (InterruptedException ex) {
					ended.set(ex);
				}
			});
			Thread.sleep(500);
			run.interrupt();
			run.join(Duration.ofSeconds(2));
			assertThat(run.isAlive()).as("returned within 2 s of the interrupt").isFalse();
			assertThat(ended.get()).isInstanceOf(InterruptedException.class);
		}
		finally {
			silent.stop(0);
		}
	}

	@Test
	void theVaultsSlotsArePickedByProviderSlotThenByCredentialProvider() throws Exception {
		// the vault's answers as the service's tests see them, on a server of this test
		HttpServer internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		internal.createContext("/", exchange -> {
			MissionStandIns.Answer answer = LlmStandIns.environment(exchange);
			byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(answer.status(), bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		internal.start();
		ProviderCredentials vault = new ProviderCredentials(
				RestClient.create("http://127.0.0.1:" + internal.getAddress().getPort()));
		LlmProperties properties = Providers.at("http://127.0.0.1:1", "development");
		LlmProperties.Named anthropic = properties.provider("anthropic").orElseThrow();
		LlmProperties.Named openai = properties.provider("openai").orElseThrow();

		LlmStandIns.vaultBinds("agt_slot", "ANTHROPIC_API_KEY", "ANTHROPIC", "sk-ant-by-slot");
		assertThat(vault.find("ws_1", "agt_slot", "run_1", anthropic))
			.isEqualTo(new ProviderCredentials.Key("crd_agt_slot", "ANTHROPIC_API_KEY", "sk-ant-by-slot"));
		assertThat(vault.find("ws_1", "agt_slot", "run_1", anthropic).toString()).doesNotContain("sk-ant-by-slot");

		LlmStandIns.vaultBinds("agt_named", "MY_OPENAI", "OPENAI", "sk-openai-by-provider");
		assertThat(vault.find("ws_1", "agt_named", null, openai)).isInstanceOf(ProviderCredentials.Key.class)
			.extracting(key -> ((ProviderCredentials.Key) key).value())
			.isEqualTo("sk-openai-by-provider");
		assertThat(vault.find("ws_1", "agt_named", null, anthropic)).isEqualTo(new ProviderCredentials.None(false));

		assertThat(vault.find("ws_1", "agt_unknown_to_the_vault", null, anthropic))
			.isEqualTo(new ProviderCredentials.None(false));

		ProviderCredentials unreachable = new ProviderCredentials(RestClient.create("http://127.0.0.1:1"));
		assertThat(unreachable.find("ws_1", "agt_slot", null, anthropic))
			.isInstanceOf(ProviderCredentials.Unavailable.class);
		internal.stop(0);
	}

	@Test
	void inADevSuiteAVaultThatCannotSayFailsTheRunInsteadOfRunningLocally() throws Exception {
		RecordingOutput output = new RecordingOutput();
		RunOutcome outcome = router("development",
				new ProviderCredentials.Unavailable("the credential vault answered 503"))
			.execute(request(agent(null)), output);
		assertThat(outcome.succeeded()).isFalse();
		assertThat(outcome.error()).isEqualTo("no ANTHROPIC key for agent Ada: the credential vault answered 503");
		assertThat(output.events("runtime.unavailable")).hasSize(1);
		assertThat(this.localRuns).hasValue(0);
	}

	@Test
	void aBusyVaultIsAskedAgainAndAFailingOneIsNot() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		AtomicReference<Integer> busyFor = new AtomicReference<>(2);
		AtomicReference<Integer> status = new AtomicReference<>(503);
		HttpServer internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		internal.createContext("/", exchange -> {
			MissionStandIns.Answer answer = (calls.incrementAndGet() <= busyFor.get())
					? new MissionStandIns.Answer(status.get(), "{\"status\":" + status.get() + "}")
					: LlmStandIns.environment(exchange);
			byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.getResponseHeaders().set("Retry-After", "0");
			exchange.sendResponseHeaders(answer.status(), bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		internal.start();
		try {
			ProviderCredentials vault = new ProviderCredentials(
					RestClient.create("http://127.0.0.1:" + internal.getAddress().getPort()), 4, 4);
			LlmProperties.Named anthropic = Providers.at("http://127.0.0.1:1", "development")
				.provider("anthropic")
				.orElseThrow();
			LlmStandIns.vaultBinds("agt_busy", "ANTHROPIC_API_KEY", "ANTHROPIC", "sk-ant-after-a-wait");

			assertThat(vault.find("ws_1", "agt_busy", "run_1", anthropic)).as("503, 503, then the key")
				.isEqualTo(new ProviderCredentials.Key("crd_agt_busy", "ANTHROPIC_API_KEY", "sk-ant-after-a-wait"));
			assertThat(calls).hasValue(3);

			calls.set(0);
			busyFor.set(100);
			assertThat(vault.find("ws_1", "agt_busy", "run_2", anthropic)).as("busy on every attempt")
				.isEqualTo(new ProviderCredentials.Unavailable("the credential vault answered 503"));
			assertThat(calls).as("four attempts, no more").hasValue(4);

			calls.set(0);
			status.set(500);
			assertThat(vault.find("ws_1", "agt_busy", "run_3", anthropic))
				.isEqualTo(new ProviderCredentials.Unavailable("the credential vault answered 500"));
			assertThat(calls).as("a failing vault is not a busy one: asked once").hasValue(1);
		}
		finally {
			internal.stop(0);
		}
	}

	@Test
	void aBurstOfLookupsReachesTheVaultAFewAtATime() throws Exception {
		AtomicInteger now = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		HttpServer internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		internal.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		internal.createContext("/", exchange -> {
			most.accumulateAndGet(now.incrementAndGet(), Math::max);
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			now.decrementAndGet();
			MissionStandIns.Answer answer = LlmStandIns.environment(exchange);
			byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(answer.status(), bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		internal.start();
		try (var runs = Executors.newVirtualThreadPerTaskExecutor()) {
			ProviderCredentials vault = new ProviderCredentials(
					RestClient.create("http://127.0.0.1:" + internal.getAddress().getPort()), 3, 4);
			LlmProperties.Named anthropic = Providers.at("http://127.0.0.1:1", "development")
				.provider("anthropic")
				.orElseThrow();
			LlmStandIns.vaultBinds("agt_burst", "ANTHROPIC_API_KEY", "ANTHROPIC", "sk-ant-burst");
			List<java.util.concurrent.Future<ProviderCredentials.Lookup>> lookups = new java.util.ArrayList<>();
			for (int i = 0; i < 30; i++) {
				lookups.add(runs.submit(() -> vault.find("ws_1", "agt_burst", null, anthropic)));
			}
			for (var lookup : lookups) {
				assertThat(lookup.get()).isInstanceOf(ProviderCredentials.Key.class);
			}
			assertThat(most.get()).as("lookups in flight at once").isBetween(1, 3);
		}
		finally {
			internal.stop(0);
		}
	}

}
