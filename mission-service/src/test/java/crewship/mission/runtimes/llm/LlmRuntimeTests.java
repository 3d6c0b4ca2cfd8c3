package crewship.mission.runtimes.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import crewship.mission.agents.AgentProfile;
import crewship.mission.engine.RunOutcome;
import crewship.mission.engine.RuntimeRequest;
import crewship.mission.runs.NewRun.Turn;
import crewship.mission.runs.Trigger;
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
 * The {@code llm} runtime against WireMock standing in for Anthropic and OpenAI: what is
 * sent, what is streamed, how failures and interruption end — without a Spring context.
 */
class LlmRuntimeTests {

	static final String KEY = "sk-ant-test-0123456789abcdefSECRET";

	static final JsonMapper JSON = JsonMapper.builder().build();

	static WireMockServer provider;

	final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	@BeforeAll
	static void start() {
		provider = new WireMockServer(
				WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1").containerThreads(260));
		provider.start();
	}

	@AfterAll
	static void stop() {
		provider.stop();
	}

	@BeforeEach
	void reset() {
		provider.resetAll();
		this.logs.start();
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(this.logs);
	}

	@AfterEach
	void keyNeverLogged() {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(this.logs);
		assertThat(this.logs.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(line -> line.contains(KEY));
	}

	LlmRuntime runtime(String env) {
		LlmProperties properties = Providers.at(provider.baseUrl(), env);
		return new LlmRuntime(new ProviderClient(properties), properties);
	}

	static AgentProfile agent(String provider, String model, String persona) {
		return new AgentProfile("agt_1", "ws_1", "crw_1", "Ada", "ada", "reviewer", "ACTIVE", provider, model, null,
				persona, List.of("code-review", "triage"));
	}

	static RuntimeRequest request(AgentProfile agent) {
		return new RuntimeRequest("run_1", "ws_1", agent, Trigger.CHAT, "Review PR 7",
				List.of(new Turn("user", "Hi"), new Turn("assistant", "Hello, how can I help?")),
				Duration.ofSeconds(30));
	}

	static LlmProperties.Named named(LlmRuntime runtime, String name) {
		return Providers.at(provider.baseUrl(), "development").provider(name).orElseThrow();
	}

	static String anthropicStream(String model, String... deltas) {
		StringBuilder sse = new StringBuilder();
		sse.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"")
			.append(model)
			.append("\",\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n");
		sse.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
				+ "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
		sse.append("event: ping\ndata: {\"type\": \"ping\"}\n\n");
		for (String delta : deltas) {
			sse.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
					+ "\"delta\":{\"type\":\"text_delta\",\"text\":\"")
				.append(delta)
				.append("\"}}\n\n");
		}
		sse.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
		sse.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
				+ "\"usage\":{\"output_tokens\":15}}\n\n");
		sse.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
		return sse.toString();
	}

	static String openaiStream(String model, String... deltas) {
		StringBuilder sse = new StringBuilder();
		for (String delta : deltas) {
			sse.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"")
				.append(model)
				.append("\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
				.append(delta)
				.append("\"},\"finish_reason\":null}],\"usage\":null}\n\n");
		}
		sse.append("data: {\"id\":\"c1\",\"model\":\"")
			.append(model)
			.append("\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
		sse.append("data: {\"id\":\"c1\",\"model\":\"")
			.append(model)
			.append("\",\"choices\":[],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":12,\"total_tokens\":52}}\n\n");
		sse.append("data: [DONE]\n\n");
		return sse.toString();
	}

	@Test
	void anthropicDeltasStreamInOrderAsTheyArriveWithUsageModelAndCost() throws Exception {
		provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("content-type", "text/event-stream")
			.withBody(anthropicStream("claude-sonnet-4-5-20250929", "Hel", "lo, ", "PR 7 ", "looks good."))
			.withChunkedDribbleDelay(6, 1200)));
		LlmRuntime runtime = runtime("development");
		List<Long> arrivals = new CopyOnWriteArrayList<>();
		RecordingOutput output = new RecordingOutput() {
			@Override
			public void text(String chunk) {
				arrivals.add(System.nanoTime());
				super.text(chunk);
			}
		};
		long started = System.nanoTime();
		RunOutcome outcome = runtime.execute(request(agent("ANTHROPIC", null, "You review code carefully.")), output,
				named(runtime, "ANTHROPIC"), KEY);
		long finished = System.nanoTime();

		assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
		assertThat(output.chunks).containsExactly("Hel", "lo, ", "PR 7 ", "looks good.");
		assertThat(outcome.text()).isEqualTo("Hello, PR 7 looks good.");
		assertThat(Duration.ofNanos(finished - arrivals.getFirst())).as("the first delta came before the end")
			.isGreaterThan(Duration.ofMillis(300));
		assertThat(Duration.ofNanos(arrivals.getFirst() - started)).isLessThan(Duration.ofNanos(finished - started));
		assertThat(outcome.runtime()).isEqualTo("anthropic");
		assertThat(outcome.provider()).isEqualTo("anthropic");
		assertThat(outcome.model()).isEqualTo("claude-sonnet-4-5-20250929");
		assertThat(outcome.inputTokens()).isEqualTo(25);
		assertThat(outcome.outputTokens()).isEqualTo(15);
		assertThat(outcome.costUsd()).isCloseTo((25 * 3.0 + 15 * 15.0) / 1_000_000,
				org.assertj.core.data.Offset.offset(1e-12));
		assertThat(outcome.toString()).doesNotContain(KEY);

		provider.verify(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(KEY))
			.withHeader("anthropic-version", equalTo("2023-06-01"))
			.withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
			.withRequestBody(matchingJsonPath("$.model", equalTo("claude-sonnet-4-5"))));
		JsonNode sent = JSON.readTree(provider.getAllServeEvents().getFirst().getRequest().getBodyAsString());
		assertThat(sent.path("system").asString()).startsWith("You review code carefully.")
			.contains("code-review, triage");
		assertThat(sent.path("messages").findValuesAsString("role")).containsExactly("user", "assistant", "user");
		assertThat(sent.path("messages").get(2).path("content").asString()).isEqualTo("Review PR 7");
	}

	@Test
	void openaiCompatibleStreamsWithBearerKeyAndRecordsUsage() throws Exception {
		provider.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("content-type", "text/event-stream")
			.withBody(openaiStream("gpt-4o-mini-2024-07-18", "One", " two", " three"))));
		LlmRuntime runtime = runtime("development");
		RecordingOutput output = new RecordingOutput();
		RunOutcome outcome = runtime.execute(request(agent("OPENAI", "gpt-4o-mini", null)), output,
				named(runtime, "OPENAI"), KEY);

		assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
		assertThat(output.chunks).containsExactly("One", " two", " three");
		assertThat(outcome.model()).isEqualTo("gpt-4o-mini-2024-07-18");
		assertThat(outcome.inputTokens()).isEqualTo(40);
		assertThat(outcome.outputTokens()).isEqualTo(12);
		assertThat(outcome.costUsd()).isPositive();
		provider.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withHeader("authorization", equalTo("Bearer " + KEY))
			.withRequestBody(matchingJsonPath("$.stream_options.include_usage", equalTo("true")))
			.withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
			.withRequestBody(matchingJsonPath("$.messages[0].content",
					equalTo("You are the reviewer Ada.\n\n" + "Your skills: code-review, triage."))));
	}

	@Test
	void rateLimitedThenSuccessIsRetriedHonouringRetryAfter() throws Exception {
		provider.stubFor(post("/v1/messages").inScenario("limits")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(429)
				.withHeader("retry-after", "1")
				.withHeader("content-type", "application/json")
				.withBody("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Slow down\"}}"))
			.willSetStateTo("open"));
		provider.stubFor(post("/v1/messages").inScenario("limits")
			.whenScenarioStateIs("open")
			.willReturn(aResponse().withStatus(200)
				.withHeader("content-type", "text/event-stream")
				.withBody(anthropicStream("claude-sonnet-4-5", "done"))));
		LlmRuntime runtime = runtime("development");
		RecordingOutput output = new RecordingOutput();
		long started = System.nanoTime();
		RunOutcome outcome = runtime.execute(request(agent("ANTHROPIC", null, null)), output,
				named(runtime, "ANTHROPIC"), KEY);

		assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
		assertThat(outcome.text()).isEqualTo("done");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited the Retry-After")
			.isGreaterThanOrEqualTo(Duration.ofMillis(950));
		assertThat(output.events("provider.retry")).singleElement()
			.asString()
			.contains("429")
			.contains("Slow down")
			.contains("1000 ms");
		provider.verify(2, postRequestedFor(urlEqualTo("/v1/messages")));
	}

	@Test
	void aProviderThatKeepsFailingEndsAsAFailedRunWithItsReason() throws Exception {
		provider.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(500)
			.withHeader("content-type", "application/json")
			.withBody("{\"error\":{\"message\":\"The server had an error (key sk-abc***"
					+ KEY.substring(KEY.length() - 4) + ")\",\"type\":\"server_error\"}}")));
		LlmRuntime runtime = runtime("development");
		RecordingOutput output = new RecordingOutput();
		RunOutcome outcome = runtime.execute(request(agent("OPENAI", null, null)), output, named(runtime, "OPENAI"),
				KEY);

		assertThat(outcome.succeeded()).isFalse();
		assertThat(outcome.error()).contains("openai answered 500")
			.contains("The server had an error")
			.contains("gave up after 3 attempts")
			.doesNotContain(KEY.substring(KEY.length() - 4))
			.doesNotContain("sk-abc");
		assertThat(outcome.provider()).isEqualTo("openai");
		assertThat(output.events("provider.retry")).hasSize(2);
		assertThat(output.chunks).isEmpty();
		provider.verify(3, postRequestedFor(urlEqualTo("/v1/chat/completions")));
	}

	@Test
	void aRefusedKeyFailsAtOnceWithoutRetries() throws Exception {
		provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(401)
			.withHeader("content-type", "application/json")
			.withBody(
					"{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}")));
		LlmRuntime runtime = runtime("development");
		RecordingOutput output = new RecordingOutput();
		RunOutcome outcome = runtime.execute(request(agent("ANTHROPIC", null, null)), output,
				named(runtime, "ANTHROPIC"), KEY);

		assertThat(outcome.succeeded()).isFalse();
		assertThat(outcome.error()).contains("401").contains("ANTHROPIC key was refused").doesNotContain(KEY);
		provider.verify(1, postRequestedFor(urlEqualTo("/v1/messages")));
	}

	@Test
	void anUnreachableProviderOpensItsBreakerAndLaterCallsFailFast() throws Exception {
		LlmProperties properties = Providers.at("http://127.0.0.1:1", "development",
				new LlmProperties.Breaker(50, 4, 4, Duration.ofMinutes(1)));
		LlmRuntime runtime = new LlmRuntime(new ProviderClient(properties), properties);
		LlmProperties.Named anthropic = properties.provider("anthropic").orElseThrow();
		RecordingOutput first = new RecordingOutput();
		RunOutcome failed = runtime.execute(request(agent("ANTHROPIC", null, null)), first, anthropic, KEY);
		assertThat(failed.succeeded()).isFalse();
		assertThat(failed.error()).contains("anthropic could not be reached");

		RunOutcome fast = runtime.execute(request(agent("ANTHROPIC", null, null)), new RecordingOutput(), anthropic,
				KEY);
		assertThat(fast.succeeded()).isFalse();
		assertThat(fast.error()).contains("circuit breaker is open");
	}

	@Test
	void aStalledStreamIsAbandonedWithinTwoSecondsOfTheInterrupt() throws Exception {
		// the answer starts, then the provider goes quiet for a minute
		provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("content-type", "text/event-stream")
			.withBody(anthropicStream("claude-sonnet-4-5", "first", "never"))
			.withChunkedDribbleDelay(2, 60_000)));
		assertInterruptedQuickly();
	}

	@Test
	void aProviderThatNeverAnswersIsAbandonedWithinTwoSecondsOfTheInterrupt() throws Exception {
		provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("content-type", "text/event-stream")
			.withBody(anthropicStream("claude-sonnet-4-5", "late"))
			.withFixedDelay(60_000)));
		assertInterruptedQuickly();
	}

	private void assertInterruptedQuickly() throws Exception {
		LlmRuntime runtime = runtime("development");
		AtomicReference<Object> ended = new AtomicReference<>();
		Thread run = Thread.ofVirtual().start(() -> {
			try {
				ended.set(runtime.execute(request(agent("ANTHROPIC", null, null)), new RecordingOutput(),
						named(runtime, "ANTHROPIC"), KEY));
			}
			catch (InterruptedException ex) {
				ended.set(ex);
			}
		});
		Thread.sleep(700);
		assertThat(run.isAlive()).as("still waiting on the provider").isTrue();
		long interrupted = System.nanoTime();
		run.interrupt();
		run.join(Duration.ofSeconds(2));
		assertThat(run.isAlive()).as("returned within 2 s of the interrupt").isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(2));
		assertThat(ended.get()).isInstanceOf(InterruptedException.class);
	}

	@Test
	void twoHundredConcurrentStreamsOnVirtualThreads() throws Exception {
		provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("content-type", "text/event-stream")
			.withBody(anthropicStream("claude-sonnet-4-5", "a", "b", "c"))
			.withChunkedDribbleDelay(3, 1500)));
		LlmRuntime runtime = runtime("development");
		int streams = 200;
		long started = System.nanoTime();
		List<Future<RunOutcome>> runs = new ArrayList<>();
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < streams; i++) {
				runs.add(threads.submit(() -> runtime.execute(request(agent("ANTHROPIC", null, null)),
						new RecordingOutput(), named(runtime, "ANTHROPIC"), KEY)));
			}
			for (Future<RunOutcome> run : runs) {
				RunOutcome outcome = run.get();
				assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
				assertThat(outcome.text()).isEqualTo("abc");
			}
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		System.out.println("200 concurrent streams of 1.5 s each took " + took.toMillis() + " ms");
		assertThat(took).as("the streams ran side by side, not one after another").isLessThan(Duration.ofSeconds(20));
	}

	@Test
	void personaFallsBackToNameAndRoleAndIsBounded() {
		assertThat(LlmRuntime.systemPrompt(new AgentProfile("agt_1", "ws_1", null, "Bo", "bo", "writer", "ACTIVE", null,
				null, null, " ", List.of())))
			.isEqualTo("You are the writer Bo.");
		assertThat(LlmRuntime.systemPrompt(new AgentProfile("agt_1", "ws_1", null, "Bo", "bo", "LEAD", "ACTIVE", null,
				null, null, null, List.of())))
			.isEqualTo("You are the lead Bo.");
		assertThat(LlmRuntime.systemPrompt(new AgentProfile("agt_1", "ws_1", null, "Bo", "bo", "writer", "ACTIVE", null,
				null, null, "x".repeat(20_000), null)))
			.hasSize(LlmRuntime.PERSONA_LIMIT);
	}

}
