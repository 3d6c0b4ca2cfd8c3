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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

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
 * The run engine (mission-service), four measures (choose with {@code -Dbench.phases},
 * default {@code local,latency,llm,held}). Starts its own suite like the other
 * benchmarks; run with
 * {@code ./mvnw -Pbench -pl bench exec:java -Dexec.mainClass=crewship.bench.RunEngineBench}.
 * <ol>
 * <li><b>local</b>, runs/s: {@code -Dbench.runs} (2,000) agent webhook deliveries written
 * straight to {@code crewship.webhook.deliveries.v1} (as webhook-service enqueues them),
 * round-robin over {@code -Dbench.agents} (20) agents; the time from the first send until
 * the runs API counts them all COMPLETED gives runs/s through the consumer, the claims
 * and execution (the local runtime streams four chunks 10 ms apart per run). The engine's
 * caps are lifted so the claim and the database, not a cap, are measured;</li>
 * <li><b>latency</b>, webhook accepted → RUNNING: after {@code -Dbench.warmup} (1,500)
 * unmeasured signed deliveries through the gateway, {@code -Dbench.samples} (300) at each
 * offered rate of {@code -Dbench.rates} (5,10,15,20 per second), open loop; p50/p99/max
 * from the delivery's record on the work-queue topic to the run's {@code started_at}
 * (target p99 ≤ 250 ms), split at the run's {@code created_at}, and the sender's own view
 * beside it;</li>
 * <li><b>llm</b>, runs/s on the LLM runtime: the same {@code -Dbench.runs} deliveries for
 * agents of a second crew whose {@code ANTHROPIC_API_KEY} slot is bound to a vault
 * credential, so the engine runs them on its LLM runtime against a provider stand-in
 * (Anthropic's streamed Messages answer after {@code -Dbench.provider-delay-ms}, 200 ms):
 * runs/s and the most provider calls the engine held at once;</li>
 * <li><b>held</b>, provider calls held at once: {@code -Dbench.held} (400) deliveries
 * while the stand-in answers after {@code -Dbench.held-delay-ms} (15 s, a model's time):
 * the most calls the engine held open together (target ≥ 200).</li>
 * </ol>
 */
public final class RunEngineBench {

	static final String DELIVERIES = "crewship.webhook.deliveries.v1";

	private RunEngineBench() {
	}

	public static void main(String[] args) throws Exception {
		int runs = Integer.getInteger("bench.runs", 2000);
		int agents = Integer.getInteger("bench.agents", 20);
		int samples = Integer.getInteger("bench.samples", 300);
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
		// -Dbench.phases=local,latency measures only those (a shorter loop while tuning
		// one)
		Set<String> phases = Set.of(System.getProperty("bench.phases", "local,latency,llm,held").split(","));

		// 1. runs/s
		if (phases.contains("local")) {
			runsPerSecond("Engine, local runtime", http, gateway, suite.kafkaBootstrapServers(), setup, runs);
		}

		// 2. webhook accepted → RUNNING
		if (phases.contains("latency")) {
			acceptedToRunning(http, gateway, suite.kafkaBootstrapServers(), setup, samples);
		}
		if (!phases.contains("llm") && !phases.contains("held")) {
			return;
		}

		// 3. runs/s on the LLM runtime against the provider stand-in
		Setup llm = setUp(http, gateway, suite.gatewayInternalUrl(), dataDir, "llm", agentCount);
		bindProviderKey(http, gateway, llm);
		if (phases.contains("llm")) {
			long callsBefore = provider.calls();
			runsPerSecond("Engine, LLM runtime (provider answers in " + provider.delay().toMillis() + " ms)", http,
					gateway, suite.kafkaBootstrapServers(), llm, runs);
			System.out.printf("  provider calls: %d, at most %d at once%n", provider.calls() - callsBefore,
					provider.peak());
		}

		// 4. provider calls held at once: a model answers in seconds, not in 200 ms; with
		// such answers the engine must keep hundreds of calls open (target ≥ 200) without
		// running out of threads or connections
		if (phases.contains("held")) {
			int held = Integer.getInteger("bench.held", 400);
			Duration heldDelay = Duration.ofMillis(Integer.getInteger("bench.held-delay-ms", 15000));
			provider.answerAfter(heldDelay);
			long callsBefore = provider.calls();
			runsPerSecond("Engine, LLM runtime (provider answers in " + heldDelay.toMillis() + " ms)", http, gateway,
					suite.kafkaBootstrapServers(), llm, held);
			System.out.printf("  provider calls: %d, at most %d at once (target ≥ 200)%n",
					provider.calls() - callsBefore, provider.peak());
		}
	}

	/**
	 * Webhook accepted → RUNNING at fixed offered rates ({@code -Dbench.rates},
	 * deliveries per second, default 5,10,15,20): an open loop — each agent sends on its
	 * own schedule whether or not its earlier runs started, so a slow stretch is measured
	 * rather than hidden (no coordinated omission) — after {@code -Dbench.warmup} (1,500)
	 * unmeasured deliveries have compiled the path. Each delivery is timed from its 202
	 * to its run's {@code started_at}, split at the run's {@code created_at}. A closed
	 * loop with no pause between sends (as this phase once was) measures the suite at
	 * saturation: its latency is only the queue that saturation builds.
	 */
	private static void acceptedToRunning(HttpClient http, String gateway, String kafka, Setup setup, int samples)
			throws Exception {
		int warmup = Integer.getInteger("bench.warmup", 1500);
		try (StartedRuns started = new StartedRuns(kafka, setup)) {
			long completedBefore = completed(http, gateway, setup);
			List<Sample> warm = send(http, gateway, setup, started, warmup, 0);
			long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
			while (completed(http, gateway, setup) < completedBefore + warm.size() && System.nanoTime() < deadline) {
				Thread.sleep(200);
			}
			System.out.printf("%nWarm-up: %d deliveries through the gateway, their runs completed%n", warm.size());
			for (String rate : System.getProperty("bench.rates", "5,10,15,20").split(",")) {
				double perSecond = Double.parseDouble(rate.trim());
				started.clear();
				List<Sample> measured = send(http, gateway, setup, started, samples, perSecond);
				Histogram latency = new Histogram(3);
				Histogram queued = new Histogram(3);
				Histogram claimed = new Histogram(3);
				Histogram accepted = new Histogram(3);
				Histogram fromAnswer = new Histogram(3);
				for (Sample sample : measured) {
					JsonNode run = get(http, gateway, setup, "/api/v1/runs/" + sample.runId() + "?");
					Instant created = Instant.parse(run.get("created_at").asString());
					latency.recordValue(micros(sample.enqueuedAt(), sample.startedAt()));
					queued.recordValue(micros(sample.enqueuedAt(), created));
					claimed.recordValue(micros(created, sample.startedAt()));
					accepted.recordValue(micros(sample.sentAt(), sample.acceptedAt()));
					fromAnswer.recordValue(micros(sample.acceptedAt(), sample.startedAt()));
				}
				System.out.printf("%nOffered %.0f deliveries/s (open loop over %d agents):%n", perSecond,
						setup.agents().size());
				print("Webhook accepted (on Kafka) → RUNNING", latency, " (target p99 ≤ 250 ms)");
				print("  of which accepted → run created (Kafka, consumer)", queued, "");
				print("  of which run created → claimed (engine)", claimed, "");
				print("  the sender's 202 → RUNNING (0 when the run started first)", fromAnswer, "");
				print("  the sender's POST → 202 (gateway, vault, webhook-service, Kafka ack)", accepted, "");
			}
		}
	}

	/**
	 * Sends {@code count} signed deliveries through the gateway, round-robin over the
	 * agents: at {@code perSecond} offered in all (each agent on its own schedule), or,
	 * when it is 0, as fast as each agent's previous send is answered. Returns each
	 * accepted delivery with its run's start, matched per agent in order (one agent's
	 * deliveries share a partition, so its runs are created and claimed in the order they
	 * were sent).
	 */
	private static List<Sample> send(HttpClient http, String gateway, Setup setup, StartedRuns started, int count,
			double perSecond) throws Exception {
		int agents = setup.agents().size();
		Map<String, List<Instant[]>> acceptedByAgent = new ConcurrentHashMap<>();
		Map<String, AtomicLong> refused = new ConcurrentSkipListMap<>();
		AtomicLong notStarted = new AtomicLong();
		long t0 = System.nanoTime() + 100_000_000L;
		List<Thread> senders = new ArrayList<>();
		for (int a = 0; a < agents; a++) {
			Agent agent = setup.agents().get(a);
			List<Instant[]> accepted = Collections.synchronizedList(new ArrayList<>());
			acceptedByAgent.put(agent.agentId(), accepted);
			int first = a;
			senders.add(Thread.ofVirtual().start(() -> {
				for (int n = first; n < count; n += agents) {
					if (perSecond > 0) {
						long wait = t0 + (long) (n * 1e9 / perSecond) - System.nanoTime();
						if (wait > 0) {
							LockSupport.parkNanos(wait);
						}
					}
					String body = WebhookIngestion.body();
					try {
						Instant sentAt = Instant.now();
						HttpResponse<String> answer = http.send(HttpRequest
							.newBuilder(URI.create(gateway + "/api/v1/webhooks/" + agent.crewId() + "/"
									+ agent.agentId() + "/trigger"))
							.header("Content-Type", "application/json")
							.header("X-Signature", WebhookIngestion.hmac(agent.secret(), body))
							.POST(HttpRequest.BodyPublishers.ofString(body))
							.build(), HttpResponse.BodyHandlers.ofString());
						if (answer.statusCode() == 202) {
							accepted.add(new Instant[] { sentAt, Instant.now() });
						}
						else {
							String detail = JSON.readTree(answer.body()).path("detail").asString("");
							refused.computeIfAbsent(answer.statusCode() + " " + detail, key -> new AtomicLong())
								.incrementAndGet();
						}
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					catch (Exception ex) {
						refused.computeIfAbsent(ex.getClass().getSimpleName(), key -> new AtomicLong())
							.incrementAndGet();
					}
				}
			}));
		}
		for (Thread sender : senders) {
			sender.join();
		}
		List<Sample> samples = new ArrayList<>();
		for (Agent agent : setup.agents()) {
			List<Instant[]> accepted = acceptedByAgent.get(agent.agentId());
			List<Started> runs = started.await(agent.agentId(), accepted.size(), Duration.ofSeconds(60));
			List<Instant> enqueued = started.enqueued(agent.agentId());
			for (int i = 0; i < Math.min(Math.min(accepted.size(), runs.size()), enqueued.size()); i++) {
				samples.add(new Sample(accepted.get(i)[0], enqueued.get(i), accepted.get(i)[1], runs.get(i).runId(),
						runs.get(i).startedAt()));
			}
			if (runs.size() < accepted.size()) {
				notStarted.addAndGet(accepted.size() - runs.size());
			}
		}
		if (!refused.isEmpty() || notStarted.get() > 0) {
			System.out.printf("(refused: %s; accepted but never started: %d)%n", refused, notStarted.get());
		}
		return samples;
	}

	/**
	 * Per agent, in order: when each of its deliveries was put on the work-queue topic
	 * (the record's timestamp, taken by webhook-service's producer as it sends; the 202
	 * follows the acknowledgement) and the {@code run.started} of each of its runs.
	 */
	private static final class StartedRuns implements AutoCloseable {

		private final Map<String, List<Started>> byAgent = new ConcurrentHashMap<>();

		private final Map<String, List<Instant>> enqueuedByAgent = new ConcurrentHashMap<>();

		private final AtomicBoolean reading = new AtomicBoolean(true);

		private final Thread reader;

		StartedRuns(String kafka, Setup setup) throws InterruptedException {
			for (Agent agent : setup.agents()) {
				this.byAgent.put(agent.agentId(), Collections.synchronizedList(new ArrayList<>()));
				this.enqueuedByAgent.put(agent.agentId(), Collections.synchronizedList(new ArrayList<>()));
			}
			Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
					ConsumerConfig.GROUP_ID_CONFIG, "bench-engine-" + UUID.randomUUID(),
					ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.ISOLATION_LEVEL_CONFIG,
					"read_committed");
			this.reader = Thread.ofPlatform().daemon().start(() -> {
				try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
						new StringDeserializer())) {
					consumer.subscribe(List.of("crewship.mission.v1", DELIVERIES));
					while (this.reading.get()) {
						for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
							JsonNode event = JSON.readTree(record.value());
							if (DELIVERIES.equals(record.topic())) {
								List<Instant> enqueued = this.enqueuedByAgent
									.get(event.path("data").path("target_id").asString(""));
								if (enqueued != null) {
									enqueued.add(Instant.ofEpochMilli(record.timestamp()));
								}
							}
							else if ("run.started".equals(event.path("type").asString(""))) {
								JsonNode data = event.get("data");
								List<Started> runs = this.byAgent.get(data.path("agent_id").asString(""));
								if (runs != null) {
									runs.add(new Started(data.get("id").asString(),
											Instant.parse(data.get("started_at").asString())));
								}
							}
						}
					}
				}
			});
			Thread.sleep(3000); // the reader's group joined and sits at the end of the
								// topic
		}

		void clear() {
			this.byAgent.values().forEach(List::clear);
			this.enqueuedByAgent.values().forEach(List::clear);
		}

		List<Instant> enqueued(String agentId) {
			List<Instant> enqueued = this.enqueuedByAgent.get(agentId);
			synchronized (enqueued) {
				return new ArrayList<>(enqueued);
			}
		}

		List<Started> await(String agentId, int count, Duration wait) throws InterruptedException {
			List<Started> runs = this.byAgent.get(agentId);
			long deadline = System.nanoTime() + wait.toNanos();
			while (runs.size() < count && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
			synchronized (runs) {
				return new ArrayList<>(runs);
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.reading.set(false);
			this.reader.join(5000);
		}

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

	/**
	 * One delivery: when it was sent, when webhook-service put it on the topic, when the
	 * sender had its 202, its run's id and start.
	 */
	record Sample(Instant sentAt, Instant enqueuedAt, Instant acceptedAt, String runId, Instant startedAt) {
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
