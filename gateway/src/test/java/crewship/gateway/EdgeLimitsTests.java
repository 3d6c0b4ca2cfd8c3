package crewship.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.bucket4j.BucketConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ratelimit.TokenBuckets;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static crewship.gateway.GatewayEdgeTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits (shared through the real Redis on 127.0.0.1:6379, under a key prefix of
 * this run), CORS and the gateway's own system endpoints, with a stand-in behind the
 * gateway that introspects CLI tokens {@code crewship_cli_<user>} as that user. The
 * gateway trusts 127.0.0.1 as a proxy, so each test is its own client through
 * {@code X-Forwarded-For}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EdgeLimitsTests {

	static final String REDIS_URL = System.getenv().getOrDefault("CREWSHIP_TEST_REDIS_URL", "redis://127.0.0.1:6379");

	static final String KEY_PREFIX = "crewship-test:" + UUID.randomUUID() + ":";

	static final String ALLOWED_ORIGIN = "https://app.crewship.example";

	static final int PER_IP = 5;

	static final int PER_IDENTITY = 8;

	static final int AUTH_PER_IP = 3;

	static final int CREDENTIAL_TEST_PER_IP = 4;

	static final AtomicInteger forwarded = new AtomicInteger();

	static final AtomicInteger auxAsked = new AtomicInteger();

	/** Whether the stand-in for mission-service's engine status is unavailable. */
	static volatile boolean engineDown;

	static final AtomicInteger clients = new AtomicInteger();

	static final HttpServer downstream = startDownstream();

	@LocalServerPort
	int port;

	TestHttp api;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		String up = "http://127.0.0.1:" + downstream.getAddress().getPort();
		for (String service : new String[] { "auth-service", "crew-service", "mission-service", "issue-service",
				"credential-vault-service", "webhook-service", "realtime-service" }) {
			registry.add("crewship.gateway.services." + service, () -> up);
		}
		registry.add("crewship.gateway.internal-port", () -> 0);
		registry.add("crewship.gateway.allowed-origins", () -> ALLOWED_ORIGIN);
		registry.add("crewship.gateway.trusted-proxies", () -> "127.0.0.1");
		registry.add("crewship.gateway.rate-limit.redis-url", () -> REDIS_URL);
		registry.add("crewship.gateway.rate-limit.key-prefix", () -> KEY_PREFIX);
		registry.add("crewship.gateway.rate-limit.per-ip", () -> PER_IP);
		registry.add("crewship.gateway.rate-limit.per-identity", () -> PER_IDENTITY);
		registry.add("crewship.gateway.rate-limit.auth-per-ip", () -> AUTH_PER_IP);
		registry.add("crewship.gateway.rate-limit.credential-test-per-ip", () -> CREDENTIAL_TEST_PER_IP);
		// credential-reveal-per-ip is left at its default: credentials.mdx's 3/min
	}

	@BeforeEach
	void setUp() {
		this.api = new TestHttp("http://127.0.0.1:" + this.port);
	}

	@AfterAll
	static void stopDownstream() {
		downstream.stop(0);
	}

	@Test
	void anonymousClientIsLimitedPerAddressAndOthersAreNot() {
		String client = newClient();
		for (int i = 1; i <= PER_IP; i++) {
			Response ok = this.api.get("/api/v1/crews", "X-Forwarded-For", client);
			assertThat(ok.status()).as(ok.body()).isEqualTo(200);
			assertThat(ok.header("X-RateLimit-Limit")).isEqualTo(Integer.toString(PER_IP));
			assertThat(ok.header("RateLimit-Remaining")).isEqualTo(Integer.toString(PER_IP - i));
		}
		Response refused = this.api.get("/api/v1/crews", "X-Forwarded-For", client);
		assertTooManyRequests(refused);
		assertThat(this.api.get("/api/v1/crews", "X-Forwarded-For", newClient()).status()).isEqualTo(200);
		assertThat(this.api.get("/api/health", "X-Forwarded-For", client).status()).as("probes are not limited")
			.isEqualTo(200);
	}

	@Test
	void authenticatedCallerIsLimitedPerIdentityWhereverItCallsFrom() {
		String alice = bearer("alice-" + UUID.randomUUID());
		for (int i = 0; i < PER_IDENTITY; i++) {
			// a new address each time: the identity's bucket counts, not the address's
			Response ok = this.api.get("/api/v1/crews", "Authorization", alice, "X-Forwarded-For", newClient());
			assertThat(ok.status()).as(ok.body()).isEqualTo(200);
		}
		assertTooManyRequests(this.api.get("/api/v1/crews", "Authorization", alice, "X-Forwarded-For", newClient()));
		String bob = bearer("bob-" + UUID.randomUUID());
		Response other = this.api.get("/api/v1/crews", "Authorization", bob, "X-Forwarded-For", newClient());
		assertThat(other.status()).as("another identity keeps its own bucket").isEqualTo(200);
		assertThat(other.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(PER_IDENTITY - 1));
	}

	@Test
	void signInIsLimitedPerAddressOnItsOwnBucket() {
		String client = newClient();
		for (int i = 0; i < AUTH_PER_IP; i++) {
			String path = (i % 2 == 0) ? "/api/auth/callback/credentials" : "/api/v1/auth/signup";
			Response ok = this.api.postJson(path, "{\"email\":\"a@example.com\",\"password\":\"x\"}", "X-Forwarded-For",
					client);
			assertThat(ok.status()).as(ok.body()).isEqualTo(200);
		}
		Response refused = this.api.postJson("/api/auth/callback/credentials", "{}", "X-Forwarded-For", client);
		assertTooManyRequests(refused);
		assertThat(refused.json().get("detail").asString()).contains("auth");
		assertThat(this.api.get("/api/v1/crews", "X-Forwarded-For", client).status())
			.as("the general bucket of the address is not used up")
			.isEqualTo(200);
		assertThat(this.api.postJson("/api/auth/callback/credentials", "{}", "X-Forwarded-For", newClient()).status())
			.isEqualTo(200);
	}

	@Test
	void revealIsLimitedToThreePerMinutePerAddressAndCliCallersAreNotExempt() {
		String client = newClient();
		String cli = bearer("revealer-" + UUID.randomUUID());
		int before = forwarded.get();
		for (int i = 0; i < 3; i++) {
			Response ok = this.api.postJson("/api/v1/credentials/cred" + i + "/reveal",
					"{\"reason\":\"Migrating the deploy key, ticket OPS-812\"}", "Authorization", cli,
					"X-Forwarded-For", client);
			assertThat(ok.status()).as(ok.body()).isEqualTo(200);
		}
		assertThat(forwarded.get()).isEqualTo(before + 3);
		Response refused = this.api.postJson("/api/v1/credentials/cred0/reveal", "{}", "Authorization",
				bearer("someone-else-" + UUID.randomUUID()), "X-Forwarded-For", client);
		assertTooManyRequests(refused);
		assertThat(refused.json().get("detail").asString()).contains("credential-reveal");
		assertThat(forwarded.get()).as("a refused reveal never reaches the vault").isEqualTo(before + 3);
		assertThat(this.api.get("/api/v1/credentials", "Authorization", cli, "X-Forwarded-For", client).status())
			.as("the rest of the API is not braked")
			.isEqualTo(200);
		assertThat(this.api
			.postJson("/api/v1/credentials/cred0/reveal", "{}", "Authorization", cli, "X-Forwarded-For", newClient())
			.status()).as("another address").isEqualTo(200);
	}

	@Test
	void credentialTestsHaveTheirOwnPerAddressBucket() {
		String client = newClient();
		for (int i = 0; i < CREDENTIAL_TEST_PER_IP; i++) {
			String path = (i % 2 == 0) ? "/api/v1/credentials/test" : "/api/v1/credentials/cred1/test";
			assertThat(this.api.postJson(path, "{\"value\":\"sk\"}", "X-Forwarded-For", client).status())
				.isEqualTo(200);
		}
		Response refused = this.api.postJson("/api/v1/credentials/test", "{}", "Authorization",
				bearer("tester-" + UUID.randomUUID()), "X-Forwarded-For", client);
		assertTooManyRequests(refused);
		assertThat(refused.json().get("detail").asString()).contains("credential-test");
	}

	@Test
	void gatewayReplicasShareTheCountThroughRedis() throws Exception {
		String client = newClient();
		BucketConfiguration signIn = BucketConfiguration.builder()
			.addLimit(limit -> limit.capacity(AUTH_PER_IP).refillGreedy(AUTH_PER_IP, Duration.ofMinutes(1)))
			.build();
		// another replica's limiter, on the same Redis and prefix, takes all but one
		// attempt
		try (TokenBuckets otherReplica = TokenBuckets.redis(REDIS_URL, KEY_PREFIX, Duration.ofSeconds(2))) {
			for (int i = 0; i < AUTH_PER_IP - 1; i++) {
				assertThat(otherReplica.tryConsume("auth:" + client, signIn).block().isConsumed()).isTrue();
			}
			assertThat(this.api.postJson("/api/auth/callback/credentials", "{}", "X-Forwarded-For", client).status())
				.isEqualTo(200);
			assertTooManyRequests(this.api.postJson("/api/auth/callback/credentials", "{}", "X-Forwarded-For", client));
			assertThat(otherReplica.tryConsume("auth:" + client, signIn).block().isConsumed())
				.as("and this gateway's attempts count on the other replica")
				.isFalse();
		}
	}

	@Test
	void preflightFromAnAllowedOriginIsAnsweredAtTheGateway() {
		int before = forwarded.get();
		Response preflight = this.api.send("OPTIONS", "/api/v1/crews", null, null, "Origin", ALLOWED_ORIGIN,
				"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
		assertThat(preflight.status()).isEqualTo(200);
		assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
		assertThat(preflight.header("Access-Control-Allow-Credentials")).isEqualTo("true");
		assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
		assertThat(forwarded.get()).as("never forwarded").isEqualTo(before);

		Response read = this.api.get("/api/v1/crews", "Origin", ALLOWED_ORIGIN, "X-Forwarded-For", newClient());
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
		assertThat(read.header("Access-Control-Expose-Headers")).contains("Retry-After");
	}

	@Test
	void otherOriginsGetNoCorsHeaders() {
		int before = forwarded.get();
		Response preflight = this.api.send("OPTIONS", "/api/v1/crews", null, null, "Origin", "https://evil.example",
				"Access-Control-Request-Method", "DELETE");
		assertThat(preflight.status()).isEqualTo(403);
		assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
		assertThat(forwarded.get()).isEqualTo(before);
		Response read = this.api.get("/api/v1/crews", "Origin", "https://evil.example", "X-Forwarded-For", newClient());
		assertThat(read.header("Access-Control-Allow-Origin")).isNull();
		// not refused here: the browser keeps the answer from the page, and a same-origin
		// page behind a TLS proxy (whose origin is not the gateway's URI) still works
		assertThat(read.status()).isNotEqualTo(403);
		assertThat(forwarded.get()).isEqualTo(before + 1);
	}

	@Test
	void systemEndpointsNeedAnAuthenticatedCaller() {
		for (String path : new String[] { "/api/v1/system/version", "/api/v1/system/runtime", "/api/v1/crewshipd",
				"/api/v1/system/aux-status" }) {
			assertProblem(this.api.get(path, "X-Forwarded-For", newClient()), 401);
		}
	}

	@Test
	void systemEndpointsAnswerAtTheGateway() {
		int before = forwarded.get();
		String token = bearer("sys-" + UUID.randomUUID());
		// the bodies on the reference schema: no null where it has a string or an integer
		TestHttp api = this.api.validating();
		Response version = api.get("/api/v1/system/version", "Authorization", token);
		assertThat(version.status()).as(version.body()).isEqualTo(200);
		assertThat(version.json().get("current").asString()).isEqualTo("0.1.0-SNAPSHOT");
		assertThat(version.json().get("commit").asString()).matches("[0-9a-f]{40}");
		assertThat(version.json().get("build_time").asString()).isNotEmpty();
		assertThat(version.json().get("latest").isNull()).isTrue();
		assertThat(version.json().get("newer").asBoolean()).isFalse();
		assertThat(version.json().get("java_version").asString()).isEqualTo(Runtime.version().toString());

		Response runtime = api.get("/api/v1/system/runtime", "Authorization", token);
		assertThat(runtime.status()).isEqualTo(200);
		assertThat(runtime.json().get("available").asBoolean()).isFalse();
		assertThat(runtime.json().get("processors").asInt()).isPositive();
		assertThat(runtime.json().get("uptime_seconds").asLong()).isNotNegative();
		assertThat(runtime.json().get("memory").get("heap_used_bytes").asLong()).isPositive();

		// the run engine's state, asked of mission-service (not a forwarded request)
		Response crewshipd = api.get("/api/v1/crewshipd", "Authorization", token);
		assertThat(crewshipd.status()).as(crewshipd.body()).isEqualTo(200);
		assertThat(crewshipd.json().get("status").asString()).isEqualTo("running");
		assertThat(crewshipd.json().get("message").asString()).contains("2 replicas up")
			.contains("5 runs in flight")
			.contains("3 queued");
		assertThat(crewshipd.json().get("version").asString()).isEqualTo("0.1.0-SNAPSHOT");
		assertThat(crewshipd.json().get("queue_depth").asLong()).isEqualTo(3);
		engineDown = true;
		try {
			Response unknown = api.get("/api/v1/crewshipd", "Authorization", token);
			assertThat(unknown.status()).isEqualTo(200);
			assertThat(unknown.json().get("status").asString()).isEqualTo("unknown");
			assertThat(unknown.json().get("message").asString()).contains("did not answer");
		}
		finally {
			engineDown = false;
		}

		assertThat(forwarded.get()).as("none reaches a service").isEqualTo(before);
	}

	@Test
	void auxStatusIsMissionServicesAnswerAskedAsAnInternalCaller() {
		String token = bearer("aux-" + UUID.randomUUID());
		int asked = auxAsked.get();
		Response aux = this.api.validating().get("/api/v1/system/aux-status", "Authorization", token);
		assertThat(aux.status()).as(aux.body()).isEqualTo(200);
		assertThat(auxAsked.get()).isEqualTo(asked + 1);
		JsonNode curator = aux.json().get("subsystems").get(0);
		assertThat(curator.get("id").asString()).isEqualTo("curator");
		assertThat(curator.get("source").asString()).isEqualTo("explicit");
		assertThat(curator.get("timeout_ms").asLong()).isEqualTo(30000);
		assertThat(curator.get("healthy").asBoolean()).isTrue();
	}

	private static void assertTooManyRequests(Response response) {
		assertProblem(response, 429);
		assertThat(Long.parseLong(response.header("Retry-After"))).isPositive();
		assertThat(response.header("X-RateLimit-Remaining")).isEqualTo("0");
	}

	/** A client address of its own (documentation range), through the trusted proxy. */
	private static String newClient() {
		int n = clients.incrementAndGet();
		return "198.51." + (n / 250) + "." + (1 + n % 250);
	}

	private static String bearer(String user) {
		return "Bearer crewship_cli_" + user;
	}

	private static HttpServer startDownstream() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/", exchange -> {
				String path = exchange.getRequestURI().getPath();
				if (path.equals("/readyz")) {
					respond(exchange, 200, "{}");
				}
				else if (path.equals("/api/v1/internal/engine")) {
					// mission-service's engine status, asked by the gateway for
					// /crewshipd
					boolean internal = exchange.getRequestHeaders().getFirst("X-Crewship-Identity") != null;
					respond(exchange, engineDown ? 503 : internal ? 200 : 401, """
							{"status":"running","replica_id":"r1","uptime_seconds":42,"replicas_up":2,
							 "queue_depth":3,"runs_in_flight":5,"runtime":"LocalRuntime","version":"0.1.0-SNAPSHOT"}
							""");
				}
				else if (path.equals("/api/v1/internal/auth/cli-tokens/introspect")) {
					String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
					Matcher token = Pattern.compile("crewship_cli_([A-Za-z0-9-]+)").matcher(body);
					if (token.find()) {
						respond(exchange, 200,
								"{\"user_id\":\"" + token.group(1) + "\",\"token_id\":\"t-" + token.group(1) + "\"}");
					}
					else {
						respond(exchange, 404, "{}");
					}
				}
				else if (path.equals("/api/v1/internal/aux-status")) {
					// mission-service answers internal callers only: the gateway's signed
					// assertion
					if (exchange.getRequestHeaders().getFirst(IdentityAssertion.HEADER) == null) {
						respond(exchange, 404, "{}");
						return;
					}
					auxAsked.incrementAndGet();
					respond(exchange, 200, """
							{"subsystems":[{"id":"curator","label":"Skill review + memory consolidation",
							"provider":"anthropic","model":"claude-haiku-4-5","timeout_ms":30000,
							"source":"explicit","healthy":true}]}""");
				}
				else {
					forwarded.incrementAndGet();
					respond(exchange, 200, "[]");
				}
			});
			// a thread per exchange: one slow exchange must not hold up every other
			server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

}
