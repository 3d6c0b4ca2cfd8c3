package crewship.bench;

import static crewship.bench.BenchSuite.JSON;
import static crewship.bench.BenchSuite.UNLIMITED;
import static crewship.bench.BenchSuite.json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import crewship.devstack.Suite;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The run engine (mission-service) with its local runtime, two measures:
 * <ol>
 * <li><b>runs/s</b>: {@code -Dbench.runs} (2,000) agent webhook deliveries written
 * straight to {@code crewship.webhook.deliveries.v1} (as webhook-service enqueues them),
 * round-robin over {@code -Dbench.agents} (20) agents; the time from the first send until
 * the runs API counts them all COMPLETED gives runs/s through the consumer, the claims
 * and execution (the local runtime streams four chunks 10 ms apart per run). The engine's
 * caps are lifted so the claim and the database, not a cap, are measured;</li>
 * <li><b>webhook accepted → RUNNING</b>: {@code -Dbench.samples} (500) signed deliveries
 * through the gateway, one agent per worker and one delivery in flight per agent: the
 * time from the 202 to the run's {@code started_at} (the engine's claim, read from its
 * {@code run.started} event on {@code crewship.mission.v1}), p50/p99/max — the target is
 * p99 ≤ 250 ms — split into the wait until the run exists (Kafka, the trigger consumer)
 * and until it is claimed;</li> Starts its own suite like the other benchmarks. Run with
 * {@code ./mvnw -Pbench -pl bench exec:java -Dexec.mainClass=crewship.bench.RunEngineBench}.
 * <p>
 * <li><b>runs/s on the LLM runtime</b>: the same {@code -Dbench.runs} deliveries for
 * agents of a second crew whose {@code ANTHROPIC_API_KEY} slot is bound to a vault
 * credential, so the engine runs them on its LLM runtime against a provider stand-in
 * (Anthropic's streamed Messages answer after {@code -Dbench.provider-delay-ms}, 200 ms):
 * runs/s and the most provider calls the engine held at once;</li>
 * <li><b>provider calls held at once</b>: {@code -Dbench.held} (400) deliveries while the
 * stand-in answers after {@code -Dbench.held-delay-ms} (15 s, a model's time): the most
 * calls the engine held open together (target ≥ 200).</li>
 * </ol>
 */
public final class RunEngineBench {

	static final String DELIVERIES = "crewship.webhook.deliveries.v1";

	private RunEngineBench() {
	}

	public static void main(String[] args) throws Exception {
		int runs = Integer.getInteger("bench.runs", 2000);
		int agents = Integer.getInteger("bench.agents", 20);
		int samples = Integer.getInteger("bench.samples", 500);
		Duration providerDelay = Duration.ofMillis(Integer.getInteger("bench.provider-delay-ms", 200));
		try (ProviderStandIn provider = new ProviderStandIn(providerDelay)) {
			BenchSuite.run("suite-data-engine",
					Map.of("CREWSHIP_RATE_LIMIT_PER_IDENTITY", UNLIMITED, "CREWSHIP_RATE_LIMIT_PER_IP", UNLIMITED,
							"CREWSHIP_WEBHOOK_AGENT_RATE_LIMIT_PER_MIN", UNLIMITED, "CREWSHIP_ENGINE_MAX_PER_WORKSPACE",
							"100000", "CREWSHIP_ENGINE_MAX_PER_AGENT", "100000", "CREWSHIP_ENGINE_MAX_IN_FLIGHT",
							"1000", "CREWSHIP_ANTHROPIC_BASE_URL", provider.baseUrl()),
					(suite, dataDir) -> run(suite, dataDir, runs, agents, samples, provider));
		}
	}

	record Agent(String workspaceId, String crewId, String agentId, String secret) {
	}

	private static void run(Suite suite, Path dataDir, int runs, int agentCount, int samples, ProviderStandIn provider)
			throws Exception {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();
		String gateway = suite.gatewayUrl();
		Setup setup = setUp(http, gateway, suite.gatewayInternalUrl(), dataDir, "engine", agentCount);

		// 1. runs/s
		runsPerSecond("Engine, local runtime", http, gateway, suite.kafkaBootstrapServers(), setup, runs);

		// 2. webhook accepted → RUNNING
		List<Sample> latencies = acceptedToRunning(http, gateway, suite.kafkaBootstrapServers(), setup, samples);
		Histogram latency = new Histogram(3);
		Histogram queued = new Histogram(3);
		Histogram claimed = new Histogram(3);
		for (Sample sample : latencies) {
			JsonNode run = get(http, gateway, setup, "/api/v1/runs/" + sample.runId() + "?");
			Instant created = Instant.parse(run.get("created_at").asString());
			latency.recordValue(micros(sample.acceptedAt(), sample.startedAt()));
			queued.recordValue(micros(sample.acceptedAt(), created));
			claimed.recordValue(micros(created, sample.startedAt()));
		}
		print("Webhook accepted (202) → RUNNING", latency, " (target p99 ≤ 250 ms)");
		print("  of which 202 → run created (Kafka, consumer)", queued, "");
		print("  of which run created → claimed (engine)", claimed, "");

		// 3. runs/s on the LLM runtime against the provider stand-in
		Setup llm = setUp(http, gateway, suite.gatewayInternalUrl(), dataDir, "llm", agentCount);
		bindProviderKey(http, gateway, llm);
		long callsBefore = provider.calls();
		runsPerSecond("Engine, LLM runtime (provider answers in " + provider.delay().toMillis() + " ms)", http, gateway,
				suite.kafkaBootstrapServers(), llm, runs);
		System.out.printf("  provider calls: %d, at most %d at once%n", provider.calls() - callsBefore,
				provider.peak());

		// 4. provider calls held at once: a model answers in seconds, not in 200 ms; with
		// such answers the engine must keep hundreds of calls open (target ≥ 200) without
		// running out of threads or connections
		int held = Integer.getInteger("bench.held", 400);
		Duration heldDelay = Duration.ofMillis(Integer.getInteger("bench.held-delay-ms", 15000));
		provider.answerAfter(heldDelay);
		callsBefore = provider.calls();
		runsPerSecond("Engine, LLM runtime (provider answers in " + heldDelay.toMillis() + " ms)", http, gateway,
				suite.kafkaBootstrapServers(), llm, held);
		System.out.printf("  provider calls: %d, at most %d at once (target ≥ 200)%n", provider.calls() - callsBefore,
				provider.peak());
	}

	/**
	 * Writes {@code runs} deliveries round-robin over the setup's agents straight to the
	 * deliveries topic and waits until the runs API counts them COMPLETED.
	 */
	private static void runsPerSecond(String what, HttpClient http, String gateway, String kafka, Setup setup, int runs)
			throws Exception {
		Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.LINGER_MS_CONFIG, 5);
		long before = completed(http, gateway, setup);
		long failedBefore = count(http, gateway, setup, "FAILED");
		long started = System.nanoTime();
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
				new StringSerializer())) {
			for (int i = 0; i < runs; i++) {
				Agent agent = setup.agents().get(i % setup.agents().size());
				producer.send(new ProducerRecord<>(DELIVERIES, agent.agentId(), envelope(agent, i)));
			}
			producer.flush();
		}
		long sent = System.nanoTime();
		long done = before;
		long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
		long failed = 0;
		while (done - before + failed < runs && System.nanoTime() < deadline) {
			Thread.sleep(100);
			done = completed(http, gateway, setup);
			failed = count(http, gateway, setup, "FAILED") - failedBefore;
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("%n%s: %d runs enqueued in %.2f s, %d completed in %.2f s: %.1f runs/s%s%n", what, runs,
				(sent - started) / 1e9, done - before, seconds, (done - before) / seconds,
				(failed > 0) ? " (" + failed + " FAILED)" : "");
		if (failed > 0) {
			failureReasons(http, gateway, setup);
		}
	}

	/** Why runs failed: the errors of the latest 100 FAILED runs, most frequent first. */
	private static void failureReasons(HttpClient http, String gateway, Setup setup) throws Exception {
		JsonNode page = get(http, gateway, setup, "/api/v1/runs?status=FAILED&limit=100&");
		Map<String, Long> reasons = new java.util.TreeMap<>();
		for (JsonNode run : page.path("data")) {
			reasons.merge(run.path("error_message").asString("(no error_message)"), 1L, Long::sum);
		}
		reasons.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(5)
			.forEach(reason -> System.out.printf("  %d of the latest 100 FAILED: %s%n", reason.getValue(),
					reason.getKey()));
	}

	/**
	 * A vault credential bound to the {@code ANTHROPIC_API_KEY} slot of the setup's crew:
	 * its agents run on the LLM runtime, the other crew's stay on the local one.
	 */
	private static void bindProviderKey(HttpClient http, String gateway, Setup setup) throws Exception {
		String ws = "?workspace_id=" + setup.workspaceId();
		String auth = "Bearer " + setup.token();
		String credentialId = json(http.send(post(gateway + "/api/v1/credentials" + ws,
				"{\"name\":\"anthropic-bench\",\"type\":\"AI_CLI_TOKEN\",\"provider\":\"ANTHROPIC\",\"value\":\"sk-ant-bench-"
						+ UUID.randomUUID() + "\"}",
				"Authorization", auth), HttpResponse.BodyHandlers.ofString()))
			.get("id")
			.asString();
		json(http.send(post(gateway + "/api/v1/credentials/bindings" + ws,
				"{\"credential_id\":\"" + credentialId + "\",\"scope\":\"CREW\",\"crew_id\":\""
						+ setup.agents().get(0).crewId() + "\",\"slot\":\"ANTHROPIC_API_KEY\"}",
				"Authorization", auth), HttpResponse.BodyHandlers.ofString()));
		// The vault learns agents from crew-service's events: until it resolves the slot
		// for an agent, that agent's runs would go to the local runtime, not the provider
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		for (Agent agent : setup.agents()) {
			while (!slotResolved(http, gateway, setup, agent, "ANTHROPIC_API_KEY")) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"The vault did not resolve ANTHROPIC_API_KEY for " + agent.agentId());
				}
				Thread.sleep(200);
			}
		}
	}

	private static boolean slotResolved(HttpClient http, String gateway, Setup setup, Agent agent, String slot)
			throws Exception {
		HttpResponse<String> answer = http
			.send(HttpRequest
				.newBuilder(URI.create(gateway + "/api/v1/agents/" + agent.agentId()
						+ "/credential-bindings?workspace_id=" + setup.workspaceId()))
				.header("Authorization", "Bearer " + setup.token())
				.build(), HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 200) {
			return false;
		}
		for (JsonNode resolved : JSON.readTree(answer.body())) {
			if (slot.equals(resolved.path("slot").asString("")) && !resolved.path("credential_id").isNull()
					&& !resolved.path("credential_id").asString("").isEmpty()) {
				return true;
			}
		}
		return false;
	}

	private static long micros(Instant from, Instant to) {
		return Math.max(0, Duration.between(from, to).toNanos() / 1000);
	}

	private static void print(String what, Histogram histogram, String suffix) {
		System.out.printf("%s over %d deliveries: p50 %.1f ms, p99 %.1f ms, max %.1f ms%s%n", what,
				histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1000.0,
				histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0, suffix);
	}

	/** One delivery: when the gateway answered 202, and its run's id and start. */
	record Sample(Instant acceptedAt, String runId, Instant startedAt) {
	}

	/** A run's {@code run.started}: its id and {@code started_at}. */
	record Started(String runId, Instant startedAt) {
	}

	record Setup(String token, String workspaceId, List<Agent> agents) {
	}

	/** The bootstrap answer: one owner and workspace for every crew of the run. */
	private static JsonNode owner;

	/** How many runs of the workspace are COMPLETED, from the runs API. */
	private static long completed(HttpClient http, String gateway, Setup setup) throws Exception {
		return count(http, gateway, setup, "COMPLETED");
	}

	/** How many runs of the workspace are in {@code status}, from the runs API. */
	private static long count(HttpClient http, String gateway, Setup setup, String status) throws Exception {
		return get(http, gateway, setup, "/api/v1/runs?status=" + status + "&limit=1&").get("pagination")
			.get("total")
			.asLong();
	}

	/**
	 * A 2xx JSON answer of the API in the setup's workspace, as its owner.
	 * @param pathAndQuery ends with {@code ?} or {@code &}: the workspace is appended
	 */
	private static JsonNode get(HttpClient http, String gateway, Setup setup, String pathAndQuery) throws Exception {
		return json(http
			.send(HttpRequest.newBuilder(URI.create(gateway + pathAndQuery + "workspace_id=" + setup.workspaceId()))
				.header("Authorization", "Bearer " + setup.token())
				.build(), HttpResponse.BodyHandlers.ofString()));
	}

	/**
	 * One worker per agent sends a signed delivery, takes the 202's time, and waits for
	 * that agent's next {@code run.started}; the latency is its {@code started_at} minus
	 * the 202 (one clock: the bench and the suite share the machine).
	 */
	private static List<Sample> acceptedToRunning(HttpClient http, String gateway, String kafka, Setup setup,
			int samples) throws Exception {
		Map<String, BlockingQueue<Started>> startedByAgent = new ConcurrentHashMap<>();
		setup.agents().forEach(agent -> startedByAgent.put(agent.agentId(), new LinkedBlockingQueue<>()));
		AtomicBoolean reading = new AtomicBoolean(true);
		Thread reader = Thread.ofPlatform().daemon().start(() -> {
			Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
					ConsumerConfig.GROUP_ID_CONFIG, "bench-engine-" + UUID.randomUUID(),
					ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.ISOLATION_LEVEL_CONFIG,
					"read_committed");
			try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
					new StringDeserializer())) {
				consumer.subscribe(List.of("crewship.mission.v1"));
				while (reading.get()) {
					for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
						JsonNode event = JSON.readTree(record.value());
						if ("run.started".equals(event.path("type").asString(""))) {
							JsonNode data = event.get("data");
							BlockingQueue<Started> queue = startedByAgent.get(data.path("agent_id").asString(""));
							if (queue != null) {
								queue.add(new Started(data.get("id").asString(),
										Instant.parse(data.get("started_at").asString())));
							}
						}
					}
				}
			}
		});
		Thread.sleep(3000); // the reader's group joined and sits at the end of the topic
		List<Sample> recorded = java.util.Collections.synchronizedList(new ArrayList<>());
		AtomicLong next = new AtomicLong();
		AtomicLong errors = new AtomicLong();
		List<Thread> workers = new ArrayList<>();
		for (Agent agent : setup.agents()) {
			workers.add(Thread.ofVirtual().start(() -> {
				BlockingQueue<Started> started = startedByAgent.get(agent.agentId());
				while (next.getAndIncrement() < samples) {
					String body = WebhookIngestion.body();
					try {
						HttpResponse<String> accepted = http.send(HttpRequest
							.newBuilder(URI.create(gateway + "/api/v1/webhooks/" + agent.crewId() + "/"
									+ agent.agentId() + "/trigger"))
							.header("Content-Type", "application/json")
							.header("X-Signature", WebhookIngestion.hmac(agent.secret(), body))
							.POST(HttpRequest.BodyPublishers.ofString(body))
							.build(), HttpResponse.BodyHandlers.ofString());
						Instant acceptedAt = Instant.now();
						if (accepted.statusCode() != 202) {
							errors.incrementAndGet();
							continue;
						}
						Started run = started.poll(30, TimeUnit.SECONDS);
						if (run == null) {
							errors.incrementAndGet();
							continue;
						}
						recorded.add(new Sample(acceptedAt, run.runId(), run.startedAt()));
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					catch (Exception ex) {
						errors.incrementAndGet();
					}
				}
			}));
		}
		for (Thread worker : workers) {
			worker.join();
		}
		reading.set(false);
		reader.join(5000);
		if (errors.get() > 0) {
			System.out.printf("(%d deliveries were refused or never started)%n", errors.get());
		}
		return recorded;
	}

	/**
	 * The owner, a crew and its agents, each with a signing secret minted by the vault.
	 */
	private static Setup setUp(HttpClient http, String gateway, String internal, Path dataDir, String crew, int count)
			throws Exception {
		if (owner == null) {
			owner = json(http.send(post(gateway + "/api/v1/bootstrap",
					"{\"full_name\":\"Bench Owner\",\"email\":\"bench@example.com\",\"password\":\"bench-"
							+ UUID.randomUUID() + "\"}"),
					HttpResponse.BodyHandlers.ofString()));
		}
		String token = owner.get("cli_token").asString();
		String workspaceId = owner.get("workspace_id").asString();
		String internalToken = Files.readString(dataDir.resolve("secrets/internal-token")).trim();
		String crewId = json(http.send(post(gateway + "/api/v1/crews?workspace_id=" + workspaceId,
				"{\"name\":\"" + crew + "\",\"slug\":\"" + crew + "\",\"container_memory_mb\":2048}", "Authorization",
				"Bearer " + token), HttpResponse.BodyHandlers.ofString()))
			.get("id")
			.asString();
		List<Agent> agents = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		for (int i = 0; i < count; i++) {
			String agentId = json(http.send(
					post(gateway + "/api/v1/agents?workspace_id=" + workspaceId,
							"{\"name\":\"" + crew + " " + i + "\",\"slug\":\"" + crew + "-" + i + "\",\"crew_id\":\""
									+ crewId + "\"}",
							"Authorization", "Bearer " + token),
					HttpResponse.BodyHandlers.ofString()))
				.get("id")
				.asString();
			while (true) {
				// the vault and mission-service know the agent once crew-service's event
				// reached them
				HttpResponse<String> minted = http.send(
						post(internal + "/api/v1/internal/webhook-secrets/agents/" + agentId,
								"{\"workspace_id\":\"" + workspaceId + "\"}", "X-Internal-Token", internalToken),
						HttpResponse.BodyHandlers.ofString());
				HttpResponse<String> known = http.send(HttpRequest
					.newBuilder(URI.create(gateway + "/api/v1/agents/" + agentId + "/runs?workspace_id=" + workspaceId))
					.header("Authorization", "Bearer " + token)
					.build(), HttpResponse.BodyHandlers.ofString());
				if (minted.statusCode() == 200 && known.statusCode() == 200) {
					agents.add(new Agent(workspaceId, crewId, agentId,
							JSON.readTree(minted.body()).get("secret").asString()));
					break;
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"Agent " + agentId + " never became known: " + minted.body() + " / " + known.body());
				}
				Thread.sleep(200);
			}
		}
		System.out.printf("%d agents in crew %s%n", agents.size(), crewId);
		return new Setup(token, workspaceId, agents);
	}

	/** An agent delivery as webhook-service enqueues it (see its DeliveryQueue). */
	static String envelope(Agent agent, int n) {
		String body = "{\"n\":" + n + ",\"prompt\":\"Run " + n + "\"}";
		String id = UUID.randomUUID().toString();
		ObjectNode data = JSON.createObjectNode();
		data.put("delivery_id", id);
		data.put("target_kind", "AGENT");
		data.put("target_id", agent.agentId());
		data.put("workspace_id", agent.workspaceId());
		data.put("crew_id", agent.crewId());
		data.put("dedup_key", WebhookIngestion.sha256Hex(id));
		data.put("content_type", "application/json");
		data.put("payload", body);
		data.put("payload_sha256", WebhookIngestion.sha256Hex(body));
		ObjectNode envelope = JSON.createObjectNode();
		envelope.put("id", id);
		envelope.put("type", "webhook.delivery");
		envelope.put("workspace_id", agent.workspaceId());
		envelope.put("subject", agent.agentId());
		envelope.put("actor", "webhook");
		envelope.put("time", Instant.now().toString());
		envelope.set("data", data);
		return JSON.writeValueAsString(envelope);
	}

	private static HttpRequest post(String url, String json, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return request.build();
	}

}
