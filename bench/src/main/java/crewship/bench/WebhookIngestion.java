package crewship.bench;

import static crewship.bench.BenchSuite.UNLIMITED;
import static crewship.bench.BenchSuite.JSON;
import static crewship.bench.BenchSuite.json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import crewship.devstack.Suite;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionSigner;
import crewship.platform.identity.SigningKeys;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Webhook ingestion: distinct signed deliveries to {@code POST
 * /api/v1/webhooks/{crewId}/{agentId}/trigger} — through the gateway (signature verified
 * by the vault, dedup row, send acknowledged by Kafka), straight to webhook-service with
 * the identity assertion the gateway would sign (dedup and durable enqueue only), and a
 * bare Kafka producer ({@code acks=all}, idempotent, no linger: the delivery producer's
 * settings) writing the same envelopes to the same broker — at the same fixed concurrency
 * for a fixed time each: deliveries/s, p50 and p99, and the ratios to the bare producer.
 *
 * <p>
 * Starts its own suite through the devstack launcher (ports shifted by
 * {@code CREWSHIP_PORT_OFFSET}, default 2000; throw-away databases and data directory)
 * and stops it at the end. Load is spread round-robin over many agents
 * ({@code -Dbench.agents}, 100) so that no per-agent webhook limit (600/min) is reached
 * below 1,000 deliveries/s; the gateway's per-caller and per-address limits are raised
 * through the environment so that the limiter runs but never refuses. Workers are virtual
 * threads. Settings: {@code -Dbench.concurrency} (16), {@code -Dbench.seconds} per way
 * (20), {@code -Dbench.warmup} seconds per way (10). Run with
 * {@code ./mvnw -Pbench -pl bench exec:java -Dexec.mainClass=crewship.bench.WebhookIngestion}.
 */
public final class WebhookIngestion {

	static final String BARE_TOPIC = "bench.webhook.bare";

	private WebhookIngestion() {
	}

	public static void main(String[] args) throws Exception {
		int concurrency = Integer.getInteger("bench.concurrency", 16);
		int agents = Integer.getInteger("bench.agents", 100);
		Duration measure = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));
		Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmup", 10));
		// ingestion, not the per-agent budget (60/min by default), is what is measured
		BenchSuite.run("suite-data-webhooks",
				Map.of("CREWSHIP_RATE_LIMIT_PER_IDENTITY", UNLIMITED, "CREWSHIP_RATE_LIMIT_PER_IP", UNLIMITED,
						"CREWSHIP_WEBHOOK_AGENT_RATE_LIMIT_PER_MIN", UNLIMITED),
				(suite, dataDir) -> run(suite, dataDir, concurrency, agents, warmup, measure));
	}

	/** An agent that deliveries are sent to, and the secret they are signed with. */
	record Agent(String crewId, String agentId, String secret) {

		String path() {
			return "/api/v1/webhooks/" + this.crewId + "/" + this.agentId + "/trigger";
		}

	}

	/** One way of ingesting a delivery: sends it and returns once it is acknowledged. */
	interface Way {

		String name();

		/**
		 * @return whether it was acknowledged (202, or the broker's ack)
		 */
		boolean deliver(Agent agent, String body) throws Exception;

	}

	private static void run(Suite suite, Path dataDir, int concurrency, int agentCount, Duration warmup,
			Duration measure) throws Exception {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();
		String gateway = suite.gatewayUrl();
		List<Agent> agents = setUp(http, gateway, suite.gatewayInternalUrl(), dataDir, agentCount);

		// What the gateway forwards after the vault's verdict, signed with its key;
		// assertions live 30 s, so re-sign often.
		IdentityAssertionSigner signer = new IdentityAssertionSigner(
				SigningKeys.load(null, dataDir.resolve("secrets/gateway-signing-key.jwk"), "gateway key").signingKey());
		Map<String, String> assertions = new ConcurrentHashMap<>();
		Runnable sign = () -> agents.forEach(agent -> assertions.put(agent.agentId(), signer
			.sign(new IdentityAssertion("webhook", AuthMethod.WEBHOOK, null, "webhook.agent:" + agent.agentId()))));
		sign.run();
		ScheduledExecutorService resign = Executors.newSingleThreadScheduledExecutor();
		resign.scheduleAtFixedRate(sign, 5, 5, TimeUnit.SECONDS);

		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, suite.kafkaBootstrapServers()))) {
			// as many partitions as the deliveries topic
			admin.createTopics(List.of(new NewTopic(BARE_TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				suite.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
				ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 0,
				ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2500,
				ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000);
		AtomicLong refused = new AtomicLong();
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
				new StringSerializer())) {
			Way throughGateway = new HttpWay("gateway (vault+dedup+kafka)", http, refused,
					(agent, body) -> HttpRequest.newBuilder(URI.create(gateway + agent.path()))
						.header("X-Signature", hmac(agent.secret(), body)));
			String webhookService = suite.serviceUrl("webhook-service");
			Way direct = new HttpWay("direct (dedup+kafka)", http, refused,
					(agent, body) -> HttpRequest.newBuilder(URI.create(webhookService + agent.path()))
						.header("X-Signature", hmac(agent.secret(), body))
						.header(IdentityAssertion.HEADER, assertions.get(agent.agentId())));
			Way bare = new Way() {

				@Override
				public String name() {
					return "bare kafka producer";
				}

				@Override
				public boolean deliver(Agent agent, String body) throws Exception {
					producer.send(new ProducerRecord<>(BARE_TOPIC, agent.agentId(), envelope(agent, body)))
						.get(10, TimeUnit.SECONDS);
					return true;
				}

			};
			List<Way> ways = List.of(throughGateway, direct, bare);
			for (Way way : ways) {
				if (!way.deliver(agents.get(0), body())) {
					throw new IllegalStateException(way.name() + " refused a sample delivery");
				}
			}
			System.out.printf("%nWarm-up %d s per way, then %d s per way at concurrency %d over %d agents%n",
					warmup.toSeconds(), measure.toSeconds(), concurrency, agents.size());
			for (Way way : ways) {
				load(way, agents, concurrency, warmup);
			}
			List<Result> results = new ArrayList<>();
			for (Way way : ways) {
				results.add(load(way, agents, concurrency, measure));
			}
			resign.shutdownNow();
			report(results, refused.get());
		}
	}

	/** A delivery over HTTP; 202 is an acknowledgement, anything else an error. */
	record HttpWay(String name, HttpClient http, AtomicLong refused, AtomicLong shown,
			RequestFor request) implements Way {

		HttpWay(String name, HttpClient http, AtomicLong refused, RequestFor request) {
			this(name, http, refused, new AtomicLong(), request);
		}

		@Override
		public boolean deliver(Agent agent, String body) throws Exception {
			HttpResponse<String> response = this.http.send(this.request.of(agent, body)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() == 429) {
				this.refused.incrementAndGet();
			}
			if (response.statusCode() != 202 && this.shown.getAndIncrement() < 5) {
				System.out.println(this.name + ": " + response.statusCode() + " " + response.body());
			}
			return response.statusCode() == 202;
		}

	}

	interface RequestFor {

		HttpRequest.Builder of(Agent agent, String body);

	}

	/**
	 * The owner, a crew and its agents, each with a signing secret minted by the vault.
	 */
	private static List<Agent> setUp(HttpClient http, String gateway, String internal, Path dataDir, int count)
			throws Exception {
		JsonNode owner = json(settled(http,
				post(gateway + "/api/v1/bootstrap",
						"{\"full_name\":\"Bench Owner\",\"email\":\"bench@example.com\",\"password\":\"bench-"
								+ UUID.randomUUID() + "\"}"),
				HttpResponse.BodyHandlers.ofString()));
		String token = owner.get("cli_token").asString();
		String workspaceId = owner.get("workspace_id").asString();
		String internalToken = Files.readString(dataDir.resolve("secrets/internal-token")).trim();
		String crewId = json(settled(http,
				post(gateway + "/api/v1/crews?workspace_id=" + workspaceId,
						"{\"name\":\"Hooks\",\"slug\":\"hooks\",\"container_memory_mb\":2048}", "Authorization",
						"Bearer " + token),
				HttpResponse.BodyHandlers.ofString()))
			.get("id")
			.asString();
		List<String> agentIds = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			agentIds
				.add(json(settled(http,
						post(gateway + "/api/v1/agents?workspace_id=" + workspaceId,
								"{\"name\":\"Hook " + i + "\",\"slug\":\"hook-" + i + "\",\"crew_id\":\"" + crewId
										+ "\"}",
								"Authorization", "Bearer " + token),
						HttpResponse.BodyHandlers.ofString()))
					.get("id")
					.asString());
		}
		List<Agent> agents = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		for (String agentId : agentIds) {
			// the vault knows an agent once crew-service's event has reached it
			while (true) {
				HttpResponse<String> minted = http.send(
						post(internal + "/api/v1/internal/webhook-secrets/agents/" + agentId,
								"{\"workspace_id\":\"" + workspaceId + "\"}", "X-Internal-Token", internalToken),
						HttpResponse.BodyHandlers.ofString());
				if (minted.statusCode() == 200) {
					agents.add(new Agent(crewId, agentId, JSON.readTree(minted.body()).get("secret").asString()));
					break;
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The vault never accepted " + agentId + ": " + minted.body());
				}
				Thread.sleep(200);
			}
		}
		System.out.printf("%d agents with signing secrets in crew %s%n", agents.size(), crewId);
		return agents;
	}

	record Result(String name, long deliveries, long errors, Duration elapsed, Histogram latency) {

		double throughput() {
			return this.deliveries / (this.elapsed.toNanos() / 1e9);
		}

		double millis(double percentile) {
			return this.latency.getValueAtPercentile(percentile) / 1000.0;
		}

	}

	/**
	 * {@code concurrency} virtual threads deliver distinct bodies back to back, each to
	 * the next agent round-robin, until the time is up; only acknowledged deliveries
	 * count.
	 */
	private static Result load(Way way, List<Agent> agents, int concurrency, Duration duration) throws Exception {
		Recorder recorder = new Recorder(3);
		AtomicLong errors = new AtomicLong();
		AtomicLong next = new AtomicLong(ThreadLocalRandom.current().nextInt(agents.size()));
		long start = System.nanoTime();
		long deadline = start + duration.toNanos();
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < concurrency; i++) {
			workers.add(Thread.ofVirtual().name("bench-" + i).start(() -> {
				while (System.nanoTime() < deadline) {
					Agent agent = agents.get((int) (next.getAndIncrement() % agents.size()));
					String body = body();
					long sent = System.nanoTime();
					try {
						if (way.deliver(agent, body)) {
							recorder.recordValue((System.nanoTime() - sent) / 1000);
						}
						else {
							errors.incrementAndGet();
						}
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
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		Histogram latency = recorder.getIntervalHistogram();
		return new Result(way.name(), latency.getTotalCount(), errors.get(), elapsed, latency);
	}

	private static void report(List<Result> results, long refused) {
		Result bare = results.get(results.size() - 1);
		System.out.printf("%n%-30s %10s %8s %12s %10s %10s %12s %10s %10s%n", "way", "deliveries", "errors",
				"deliveries/s", "p50 ms", "p99 ms", "rate ratio", "p50 ratio", "p99 ratio");
		for (Result result : results) {
			System.out.printf("%-30s %10d %8d %12.1f %10.2f %10.2f %12.2f %10.2f %10.2f%n", result.name(),
					result.deliveries(), result.errors(), result.throughput(), result.millis(50), result.millis(99),
					result.throughput() / bare.throughput(), result.millis(50) / bare.millis(50),
					result.millis(99) / bare.millis(99));
		}
		System.out.printf("(ratios are to the bare producer; %d deliveries were refused with 429)%n", refused);
	}

	/** A distinct delivery body of a typical size (~300 bytes). */
	static String body() {
		return "{\"prompt\":\"Triage the failing build and open an issue with what you find\",\"source\":\"ci\","
				+ "\"ref\":\"refs/heads/main\",\"run_url\":\"https://ci.example.com/runs/"
				+ ThreadLocalRandom.current().nextLong(1_000_000_000L) + "\",\"delivery\":\"" + UUID.randomUUID()
				+ "\"}";
	}

	/** The envelope webhook-service writes for a delivery (see its DeliveryQueue). */
	static String envelope(Agent agent, String body) {
		ObjectNode data = JSON.createObjectNode();
		String id = UUID.randomUUID().toString();
		data.put("delivery_id", id);
		data.put("target_kind", "AGENT");
		data.put("target_id", agent.agentId());
		data.put("crew_id", agent.crewId());
		data.put("dedup_key", sha256Hex(agent.agentId() + body));
		data.put("content_type", "application/json");
		data.put("payload", body);
		data.put("payload_sha256", sha256Hex(body));
		ObjectNode envelope = JSON.createObjectNode();
		envelope.put("id", id);
		envelope.put("type", "webhook.delivery");
		envelope.putNull("workspace_id");
		envelope.put("subject", agent.agentId());
		envelope.put("actor", "webhook");
		envelope.put("time", Instant.now().toString());
		envelope.set("data", data);
		return JSON.writeValueAsString(envelope);
	}

	static String hmac(String secret, String payload) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String sha256Hex(String value) {
		try {
			return HexFormat.of()
				.formatHex(java.security.MessageDigest.getInstance("SHA-256")
					.digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
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

	/**
	 * Sends a set-up request, again while the just-started suite answers 503 (a service
	 * behind the gateway still warming up), for at most a minute.
	 */
	private static HttpResponse<String> settled(HttpClient http, HttpRequest request,
			HttpResponse.BodyHandler<String> body) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		HttpResponse<String> response = http.send(request, body);
		while (response.statusCode() == 503 && System.nanoTime() < deadline) {
			Thread.sleep(1000);
			response = http.send(request, body);
		}
		return response;
	}

}
