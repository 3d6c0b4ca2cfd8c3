package crewship.bench;

import static crewship.bench.BenchSuite.UNLIMITED;
import static crewship.bench.BenchSuite.json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import crewship.devstack.Suite;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionSigner;
import crewship.platform.identity.SigningKeys;
import tools.jackson.databind.JsonNode;

/**
 * Gateway overhead: the same authenticated GET ({@code /api/v1/workspaces}, served by
 * auth-service) through the gateway with a CLI token, through the gateway with a session
 * cookie, and straight to auth-service with an identity assertion signed by the gateway's
 * key — one run, side by side, at a fixed concurrency for a fixed time each: throughput,
 * p50 and p99, and the ratios to the direct call.
 *
 * <p>
 * Starts its own suite through the devstack launcher (ports shifted by
 * {@code CREWSHIP_PORT_OFFSET}, default 2000; throw-away databases and data directory)
 * and stops it at the end. The per-user rate limit is raised so that the limiter runs
 * (its cost is measured) but never refuses. Settings: {@code -Dbench.concurrency} (16),
 * {@code -Dbench.seconds} per way (20), {@code -Dbench.warmup} seconds per way (10).
 */
public final class GatewayOverhead {

	static final String PATH = "/api/v1/workspaces";

	private GatewayOverhead() {
	}

	public static void main(String[] args) throws Exception {
		int concurrency = Integer.getInteger("bench.concurrency", 16);
		Duration measure = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));
		Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmup", 10));
		BenchSuite.run("suite-data", Map.of("CREWSHIP_RATE_LIMIT_PER_IDENTITY", UNLIMITED),
				(suite, dataDir) -> run(suite, dataDir, concurrency, warmup, measure));
	}

	private static void run(Suite suite, Path dataDir, int concurrency, Duration warmup, Duration measure)
			throws Exception {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		String gateway = suite.gatewayUrl();
		String password = "bench-" + UUID.randomUUID();
		JsonNode owner = json(http.send(post(gateway + "/api/v1/bootstrap",
				"{\"full_name\":\"Bench Owner\",\"email\":\"bench@example.com\",\"password\":\"" + password + "\"}"),
				HttpResponse.BodyHandlers.ofString()));
		String token = owner.get("cli_token").asString();
		String userId = owner.get("user_id").asString();
		HttpResponse<String> signIn = http.send(
				post(gateway + "/api/auth/callback/credentials",
						"{\"email\":\"bench@example.com\",\"password\":\"" + password + "\"}"),
				HttpResponse.BodyHandlers.ofString());
		String cookie = signIn.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter(header -> header.startsWith("authjs.session-token="))
			.map(header -> header.substring(0, header.indexOf(';')))
			.findFirst()
			.orElseThrow(
					() -> new IllegalStateException("No session cookie: " + signIn.statusCode() + " " + signIn.body()));

		// What the gateway forwards, signed with its key; assertions live 30 s, so
		// re-sign often.
		IdentityAssertionSigner signer = new IdentityAssertionSigner(
				SigningKeys.load(null, dataDir.resolve("secrets/gateway-signing-key.jwk"), "gateway key").signingKey());
		AtomicReference<String> assertion = new AtomicReference<>();
		Runnable sign = () -> assertion.set(signer.sign(new IdentityAssertion(userId, AuthMethod.CLI, "bench", null)));
		sign.run();
		ScheduledExecutorService resign = Executors.newSingleThreadScheduledExecutor();
		resign.scheduleAtFixedRate(sign, 5, 5, TimeUnit.SECONDS);

		URI throughGateway = URI.create(gateway + PATH);
		URI direct = URI.create(suite.serviceUrl("auth-service") + PATH);
		List<Way> ways = List.of(new Way("gateway + CLI token",
				() -> HttpRequest.newBuilder(throughGateway).header("Authorization", "Bearer " + token).build()),
				new Way("gateway + session cookie",
						() -> HttpRequest.newBuilder(throughGateway).header("Cookie", cookie).build()),
				new Way("direct to auth-service",
						() -> HttpRequest.newBuilder(direct)
							.header(IdentityAssertion.HEADER, assertion.get())
							.build()));
		for (Way way : ways) {
			HttpResponse<String> sample = http.send(way.request().get(), HttpResponse.BodyHandlers.ofString());
			if (sample.statusCode() != 200) {
				throw new IllegalStateException(way.name() + " answered " + sample.statusCode() + ": " + sample.body());
			}
			System.out.printf("%-26s 200 %s%n", way.name(), abbreviate(sample.body()));
		}
		System.out.printf("%nWarm-up %d s per way, then %d s per way at concurrency %d (GET %s)%n", warmup.toSeconds(),
				measure.toSeconds(), concurrency, PATH);
		for (Way way : ways) {
			load(http, way, concurrency, warmup);
		}
		List<Result> results = new ArrayList<>();
		for (Way way : ways) {
			results.add(load(http, way, concurrency, measure));
		}
		resign.shutdownNow();
		report(results);
	}

	record Way(String name, Supplier<HttpRequest> request) {
	}

	record Result(String name, long requests, long errors, Duration elapsed, Histogram latency) {

		double throughput() {
			return this.requests / (this.elapsed.toNanos() / 1e9);
		}

		double millis(double percentile) {
			return this.latency.getValueAtPercentile(percentile) / 1000.0;
		}

	}

	/**
	 * {@code concurrency} workers send the way's request back to back until the time is
	 * up.
	 */
	private static Result load(HttpClient http, Way way, int concurrency, Duration duration)
			throws InterruptedException {
		Recorder recorder = new Recorder(3);
		AtomicLong errors = new AtomicLong();
		long start = System.nanoTime();
		long deadline = start + duration.toNanos();
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < concurrency; i++) {
			workers.add(Thread.ofPlatform().name("bench-" + i).start(() -> {
				while (System.nanoTime() < deadline) {
					long sent = System.nanoTime();
					try {
						HttpResponse<Void> response = http.send(way.request().get(),
								HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() != 200) {
							errors.incrementAndGet();
						}
					}
					catch (IOException ex) {
						errors.incrementAndGet();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					recorder.recordValue((System.nanoTime() - sent) / 1000);
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

	private static void report(List<Result> results) {
		Result direct = results.get(results.size() - 1);
		System.out.printf("%n%-26s %10s %8s %12s %10s %10s %12s %12s %12s%n", "way", "requests", "errors", "req/s",
				"p50 ms", "p99 ms", "req/s ratio", "p50 ratio", "p99 ratio");
		for (Result result : results) {
			System.out.printf("%-26s %10d %8d %12.1f %10.2f %10.2f %12.2f %12.2f %12.2f%n", result.name(),
					result.requests(), result.errors(), result.throughput(), result.millis(50), result.millis(99),
					result.throughput() / direct.throughput(), result.millis(50) / direct.millis(50),
					result.millis(99) / direct.millis(99));
		}
		System.out.println("(ratios are to the direct call: req/s below 1 and latency above 1 are the gateway's cost)");
	}

	private static HttpRequest post(String url, String json) {
		return HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
	}

	private static String abbreviate(String body) {
		return (body.length() > 80) ? body.substring(0, 80) + "…" : body;
	}

}
