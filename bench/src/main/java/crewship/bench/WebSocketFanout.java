package crewship.bench;

import static crewship.bench.BenchSuite.UNLIMITED;
import static crewship.bench.BenchSuite.JSON;
import static crewship.bench.BenchSuite.json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import crewship.devstack.Suite;
import tools.jackson.databind.JsonNode;

/**
 * WebSocket fan-out: one event delivered to {@code bench.clients} (1,000) sockets
 * subscribed to {@code workspace:{id}} through the gateway, and what an idle socket
 * costs.
 *
 * <p>
 * Every client is a JDK {@link WebSocket} (non-blocking: one selector thread for all of
 * them) connected to the gateway's {@code /ws}; it fetches its own WebSocket token, sends
 * it as the first message, subscribes and waits for the pong that follows. Memory is read
 * before the first and after the last client is idle, each time after a full GC
 * ({@code jcmd GC.run}): the live heap ({@code GC.heap_info}) and the resident set
 * ({@code VmRSS}) of realtime-service and of the gateway, which holds the other half of
 * each proxied socket.
 *
 * <p>
 * Then {@code bench.events} (50) crew updates, one every {@code bench.spacing-ms} (500)
 * ms, each to a different crew so every frame names its event. Latency is measured per
 * delivered frame from two starting points: the event's {@code time} in its envelope (set
 * in the committing transaction; the frame does not carry it, so it is read from
 * {@code crewship.crew.v1}) — commit to receipt — and the return of the {@code PATCH} as
 * the client saw it. Both clocks are this machine's. Also per event: when the last of the
 * clients had it.
 *
 * <p>
 * Starts its own suite through the devstack launcher (ports shifted by
 * {@code CREWSHIP_PORT_OFFSET}, default 2000) with the gateway's rate limits raised:
 * every socket's handshake counts against the per-address limit and every token fetch
 * against the per-user one (defaults 300 and 600 per minute). Run with the reactor's
 * class path, no install needed:
 *
 * <pre>
 * ./mvnw -o -q -Pbench -pl bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
 * CREWSHIP_PORT_OFFSET=5000 java -cp bench/target/classes:$(cat bench/target/bench.classpath) \
 *   -Dcrewship.repository=$PWD crewship.bench.WebSocketFanout
 * </pre>
 */
public final class WebSocketFanout {

	private WebSocketFanout() {
	}

	public static void main(String[] args) throws Exception {
		int clients = Integer.getInteger("bench.clients", 1000);
		int events = Integer.getInteger("bench.events", 50);
		Duration spacing = Duration.ofMillis(Integer.getInteger("bench.spacing-ms", 500));
		BenchSuite.run("suite-data-ws",
				Map.of("CREWSHIP_RATE_LIMIT_PER_IDENTITY", UNLIMITED, "CREWSHIP_RATE_LIMIT_PER_IP", UNLIMITED),
				(suite, dataDir) -> new WebSocketFanout().run(suite, suite.kafkaBootstrapServers(), clients, events,
						spacing));
	}

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	/** Crew id → its index among the measured events. */
	private final Map<String, Integer> eventOf = new ConcurrentHashMap<>();

	private Instant[] committed;

	private long[] returnedNanos;

	private Instant[] returnedAt;

	private AtomicInteger[] delivered;

	private long[] lastDeliveryNanos;

	private final Recorder fromCommit = new Recorder(3);

	private final Recorder fromReturn = new Recorder(3);

	/** Frames that arrived before the client saw its PATCH return. */
	private final AtomicLong beforeReturn = new AtomicLong();

	private void run(Suite suite, String kafka, int clients, int events, Duration spacing) throws Exception {
		String gateway = suite.gatewayUrl();
		String password = "bench-" + UUID.randomUUID();
		JsonNode owner = json(this.http.send(post(gateway + "/api/v1/bootstrap",
				"{\"full_name\":\"Bench Owner\",\"email\":\"bench-ws@example.com\",\"password\":\"" + password + "\"}",
				null), HttpResponse.BodyHandlers.ofString()));
		String token = owner.get("cli_token").asString();
		// a WebSocket token is for a signed-in browser session, as in the web app
		HttpResponse<String> signIn = this.http.send(
				post(gateway + "/api/auth/callback/credentials",
						"{\"email\":\"bench-ws@example.com\",\"password\":\"" + password + "\"}", null),
				HttpResponse.BodyHandlers.ofString());
		String cookie = signIn.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter(header -> header.startsWith("authjs.session-token="))
			.map(header -> header.substring(0, header.indexOf(';')))
			.findFirst()
			.orElseThrow(
					() -> new IllegalStateException("No session cookie: " + signIn.statusCode() + " " + signIn.body()));
		String workspaceId = owner.get("workspace_id").asString();
		this.committed = new Instant[events];
		this.returnedNanos = new long[events];
		this.returnedAt = new Instant[events];
		this.delivered = new AtomicInteger[events];
		this.lastDeliveryNanos = new long[events];
		List<String> crews = new ArrayList<>();
		for (int i = 0; i < events; i++) {
			JsonNode crew = json(this.http.send(
					post(gateway + "/api/v1/crews?workspace_id=" + workspaceId,
							"{\"name\":\"Fan-out " + i + "\",\"slug\":\"fanout-" + i + "\"}", token),
					HttpResponse.BodyHandlers.ofString()));
			crews.add(crew.get("id").asString());
			this.eventOf.put(crew.get("id").asString(), i);
			this.delivered[i] = new AtomicInteger();
		}

		long realtimePid = BenchSuite.pidOf("realtime-service");
		long gatewayPid = BenchSuite.pidOf("gateway");
		Memory realtimeBefore = Memory.of(realtimePid);
		Memory gatewayBefore = Memory.of(gatewayPid);

		System.out.printf("%nConnecting %d clients to %s/ws (workspace:%s)…%n", clients, gateway, workspaceId);
		long connectStart = System.nanoTime();
		List<Client> connected = connect(gateway, cookie, workspaceId, clients);
		Duration connecting = Duration.ofNanos(System.nanoTime() - connectStart);
		System.out.printf("%d clients connected, authenticated and subscribed in %.1f s%n", connected.size(),
				connecting.toMillis() / 1000.0);
		Thread.sleep(5000); // idle: let the handshakes' garbage and buffers settle
		Memory realtimeAfter = Memory.of(realtimePid);
		Memory gatewayAfter = Memory.of(gatewayPid);

		KafkaConsumer<String, String> consumer = commitTimes(kafka);
		System.out.printf("Sending %d crew updates, one every %d ms…%n", events, spacing.toMillis());
		for (int i = 0; i < events; i++) {
			long sent = System.nanoTime();
			HttpResponse<String> updated = this.http.send(HttpRequest
				.newBuilder(URI.create(gateway + "/api/v1/crews/" + crews.get(i) + "?workspace_id=" + workspaceId))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/json")
				.method("PATCH", HttpRequest.BodyPublishers.ofString("{\"description\":\"bench " + i + "\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			this.returnedNanos[i] = System.nanoTime();
			this.returnedAt[i] = Instant.now();
			if (updated.statusCode() != 200) {
				throw new IllegalStateException("PATCH answered " + updated.statusCode() + ": " + updated.body());
			}
			long wait = spacing.toNanos() - (System.nanoTime() - sent);
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
		}
		// the stragglers
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (totalDelivered() < (long) clients * events && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		pollCommitTimes(consumer, events, Duration.ofSeconds(10));
		consumer.close();
		report(clients, events, connected.size(), connecting, realtimeBefore, realtimeAfter, gatewayBefore,
				gatewayAfter);
		for (Client client : connected) {
			client.socket.abort();
		}
	}

	/**
	 * Connects, authenticates (first message) and subscribes every client, a bounded
	 * number at a time; a client is ready once the pong after its subscribe arrived with
	 * no error before it.
	 */
	private List<Client> connect(String gateway, String sessionCookie, String workspaceId, int clients)
			throws InterruptedException {
		Semaphore inFlight = new Semaphore(Integer.getInteger("bench.connect-concurrency", 32));
		List<CompletableFuture<Client>> ready = new ArrayList<>();
		URI ws = URI.create(gateway.replace("http://", "ws://") + "/ws");
		for (int i = 0; i < clients; i++) {
			inFlight.acquire();
			CompletableFuture<Client> one = this.http
				.sendAsync(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/ws-token"))
					.header("Cookie", sessionCookie)
					.build(), HttpResponse.BodyHandlers.ofString())
				.thenCompose(response -> {
					String wsToken = json(response).get("token").asString();
					Client client = new Client();
					return this.http.newWebSocketBuilder()
						.connectTimeout(Duration.ofSeconds(30))
						.buildAsync(ws, client)
						.thenCompose(socket -> {
							client.socket = socket;
							return socket.sendText("{\"type\":\"auth\",\"token\":\"" + wsToken + "\"}", true);
						})
						.thenCompose(socket -> socket
							.sendText("{\"type\":\"subscribe\",\"channel\":\"workspace:" + workspaceId + "\"}", true))
						.thenCompose(socket -> socket.sendText("{\"type\":\"ping\"}", true))
						.thenCompose(socket -> client.ready)
						.thenApply(done -> client);
				})
				.orTimeout(60, TimeUnit.SECONDS)
				.whenComplete((client, ex) -> inFlight.release());
			ready.add(one);
		}
		List<Client> connected = new ArrayList<>();
		int failed = 0;
		for (CompletableFuture<Client> one : ready) {
			try {
				connected.add(one.join());
			}
			catch (RuntimeException ex) {
				if (failed++ < 5) {
					System.out.println("client failed: " + ex);
				}
			}
		}
		if (failed > 0) {
			System.out.printf("%d clients failed to connect%n", failed);
		}
		return connected;
	}

	/** One socket: ready at its first pong, then counts and times the crew updates. */
	final class Client implements WebSocket.Listener {

		final CompletableFuture<Void> ready = new CompletableFuture<>();

		volatile WebSocket socket;

		private final StringBuilder partial = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			long receivedNanos = System.nanoTime();
			Instant receivedAt = Instant.now();
			this.partial.append(data);
			if (last) {
				String text = this.partial.toString();
				this.partial.setLength(0);
				onFrame(text, receivedNanos, receivedAt);
			}
			webSocket.request(1);
			return null;
		}

		private void onFrame(String text, long receivedNanos, Instant receivedAt) {
			JsonNode frame = JSON.readTree(text);
			String type = frame.path("type").asString("");
			switch (type) {
				case "pong" -> this.ready.complete(null);
				case "error" -> this.ready.completeExceptionally(new IllegalStateException(text));
				case "crew.updated" ->
					delivered(frame.path("payload").path("id").asString(""), receivedNanos, receivedAt);
				default -> {
				}
			}
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.ready.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.ready.completeExceptionally(error);
		}

	}

	/** Commit times are read afterwards; receipts keep their wall-clock instants. */
	private final Map<Integer, List<Instant>> receipts = new ConcurrentHashMap<>();

	private void delivered(String crewId, long receivedNanos, Instant receivedAt) {
		Integer event = this.eventOf.get(crewId);
		if (event == null) {
			return;
		}
		this.delivered[event].incrementAndGet();
		synchronized (this.lastDeliveryNanos) {
			this.lastDeliveryNanos[event] = Math.max(this.lastDeliveryNanos[event], receivedNanos);
		}
		this.receipts.computeIfAbsent(event, key -> Collections.synchronizedList(new ArrayList<>())).add(receivedAt);
	}

	private long totalDelivered() {
		long total = 0;
		for (AtomicInteger count : this.delivered) {
			total += count.get();
		}
		return total;
	}

	private KafkaConsumer<String, String> commitTimes(String kafka) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
		properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
		properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
		KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties);
		List<TopicPartition> partitions = consumer.partitionsFor("crewship.crew.v1")
			.stream()
			.map(info -> new TopicPartition(info.topic(), info.partition()))
			.toList();
		consumer.assign(partitions);
		consumer.seekToEnd(partitions);
		partitions.forEach(consumer::position); // fixes the start before the updates
		return consumer;
	}

	private void pollCommitTimes(KafkaConsumer<String, String> consumer, int events, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int found = 0;
		while (found < events && System.nanoTime() < deadline) {
			for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
				JsonNode event = JSON.readTree(record.value());
				Integer index = this.eventOf.get(event.path("subject").asString(""));
				if (index != null && "crew.updated".equals(event.path("type").asString())
						&& this.committed[index] == null) {
					this.committed[index] = Instant.parse(event.get("time").asString());
					found++;
				}
			}
		}
	}

	private void report(int clients, int events, int connected, Duration connecting, Memory realtimeBefore,
			Memory realtimeAfter, Memory gatewayBefore, Memory gatewayAfter) {
		Histogram lastClient = new Histogram(3);
		for (int i = 0; i < events; i++) {
			for (Instant receivedAt : this.receipts.getOrDefault(i, List.of())) {
				if (this.committed[i] != null) {
					this.fromCommit.recordValue(Math.max(0, ChronoUnit.MICROS.between(this.committed[i], receivedAt)));
				}
				long afterReturn = ChronoUnit.MICROS.between(this.returnedAt[i], receivedAt);
				if (afterReturn < 0) {
					this.beforeReturn.incrementAndGet();
				}
				this.fromReturn.recordValue(Math.max(0, afterReturn));
			}
			if (this.committed[i] != null && this.lastDeliveryNanos[i] != 0) {
				// the last receipt, on the commit's clock: returned-at plus the monotonic
				// gap
				Instant last = this.returnedAt[i].plusNanos(this.lastDeliveryNanos[i] - this.returnedNanos[i]);
				lastClient.recordValue(Math.max(0, ChronoUnit.MICROS.between(this.committed[i], last)));
			}
		}
		Histogram commit = this.fromCommit.getIntervalHistogram();
		Histogram returned = this.fromReturn.getIntervalHistogram();
		long expected = (long) connected * events;
		System.out.printf(
				"%n%d/%d clients connected in %.1f s; %d events, %d of %d deliveries (%d before the PATCH "
						+ "returned)%n",
				connected, clients, connecting.toMillis() / 1000.0, events, totalDelivered(), expected,
				this.beforeReturn.get());
		System.out.printf("%-44s %10s %10s %10s%n", "latency (ms)", "p50", "p99", "max");
		row("commit (envelope time) → receipt", commit);
		row("PATCH returned → receipt", returned);
		row("commit → last of the clients (per event)", lastClient);
		System.out.printf("%n%-28s %14s %14s %14s %14s%n", "memory", "heap before", "heap after", "RSS before",
				"RSS after");
		memoryRow("realtime-service", realtimeBefore, realtimeAfter, connected);
		memoryRow("gateway", gatewayBefore, gatewayAfter, connected);
	}

	private static void row(String name, Histogram histogram) {
		System.out.printf("%-44s %10.1f %10.1f %10.1f%n", name, histogram.getValueAtPercentile(50) / 1000.0,
				histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0);
	}

	private static void memoryRow(String name, Memory before, Memory after, int connections) {
		System.out.printf("%-28s %11d KiB %11d KiB %11d KiB %11d KiB%n", name, before.heapKib(), after.heapKib(),
				before.rssKib(), after.rssKib());
		System.out.printf("%-28s per idle connection: heap %.1f KiB, RSS %.1f KiB%n", "",
				(after.heapKib() - before.heapKib()) / (double) connections,
				(after.rssKib() - before.rssKib()) / (double) connections);
	}

	/** Live heap after a full GC, and the resident set, of one JVM of the suite. */
	record Memory(long heapKib, long rssKib) {

		static Memory of(long pid) throws IOException, InterruptedException {
			jcmd(pid, "GC.run");
			long heap = 0;
			for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
				// Serial GC: "DefNew total 19648K, used 7354K [...]", "Tenured total …,
				// used …K"
				if (line.contains("total ") && line.contains("used ")) {
					String used = line.substring(line.indexOf("used ") + 5);
					heap += Long.parseLong(used.substring(0, used.indexOf('K')).trim());
				}
			}
			long rss = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))
				.stream()
				.filter(line -> line.startsWith("VmRSS:"))
				.mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
				.findFirst()
				.orElseThrow();
			return new Memory(heap, rss);
		}

		private static String jcmd(long pid, String command) throws IOException, InterruptedException {
			Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
			Process process = new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(pid), command)
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes());
			if (process.waitFor() != 0) {
				throw new IllegalStateException("jcmd " + command + ": " + output);
			}
			return output;
		}

	}

	private static HttpRequest post(String url, String json, String bearer) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return request.build();
	}

}
