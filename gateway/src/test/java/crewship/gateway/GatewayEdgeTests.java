package crewship.gateway;

import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.nio.file.Files;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.sun.net.httpserver.HttpServer;
import reactor.core.publisher.Mono;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionVerifier;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's edge rules, with a stand-in downstream that records what the gateway
 * forwarded (the whole suite behind the gateway is exercised in system-tests).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class GatewayEdgeTests {

	static final String INTERNAL_TOKEN = "test-internal-token-0123456789";

	static final int INTERNAL_PORT = freePort();

	static final int DEAD_PORT = freePort();

	static final Path INTERNAL_SOCKET = Path.of(System.getProperty("java.io.tmpdir"),
			"crewship-gateway-test-" + ProcessHandle.current().pid(), "internal.sock");

	static final AtomicReference<String> forwardedIdentity = new AtomicReference<>();

	static final AtomicReference<String> forwardedInternalToken = new AtomicReference<>();

	static final AtomicReference<String> forwardedHost = new AtomicReference<>();

	static final AtomicReference<String> forwardedRequestId = new AtomicReference<>();

	static final HttpServer downstream = startDownstream(0);

	/**
	 * crew-service runs as three replicas here: {@link #downstream}, one that never
	 * answers ({@link #DEAD_PORT}) and this one, which a test stops and starts again.
	 */
	static final int SECOND_REPLICA_PORT = freePort();

	static volatile HttpServer secondReplica = startDownstream(SECOND_REPLICA_PORT);

	/** Requests each stand-in answered (probes aside), by its port. */
	static final java.util.Map<Integer, java.util.concurrent.atomic.AtomicInteger> answered = new java.util.concurrent.ConcurrentHashMap<>();

	@LocalServerPort
	int port;

	TestHttp publicApi;

	@org.springframework.beans.factory.annotation.Autowired
	crewship.gateway.edge.AdmissionControl admission;

	@org.springframework.beans.factory.annotation.Autowired
	crewship.gateway.replicas.Replicas replicas;

	TestHttp internalApi;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		String down = "http://127.0.0.1:" + DEAD_PORT;
		String up = "http://127.0.0.1:" + downstream.getAddress().getPort();
		registry.add("crewship.gateway.internal-port", () -> INTERNAL_PORT);
		registry.add("crewship.gateway.internal-token", () -> INTERNAL_TOKEN);
		registry.add("crewship.gateway.internal-socket", INTERNAL_SOCKET::toString);
		registry.add("crewship.gateway.services.crew-service", () -> up);
		registry.add("crewship.gateway.replicas.crew-service",
				() -> up + "," + down + ",http://127.0.0.1:" + SECOND_REPLICA_PORT);
		for (String service : new String[] { "auth-service", "mission-service", "issue-service",
				"credential-vault-service", "webhook-service", "realtime-service" }) {
			registry.add("crewship.gateway.services." + service, () -> down);
		}
	}

	@BeforeEach
	void setUp() {
		this.publicApi = new TestHttp("http://127.0.0.1:" + this.port);
		this.internalApi = new TestHttp("http://127.0.0.1:" + INTERNAL_PORT);
		forwardedIdentity.set(null);
		forwardedInternalToken.set(null);
	}

	@AfterAll
	static void stopDownstream() {
		downstream.stop(0);
		secondReplica.stop(0);
	}

	@Test
	void healthListsEveryServiceAndStays200WhenSomeAreDown() {
		Response health = this.publicApi.get("/api/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.json().get("status").asString()).isEqualTo("ok");
		var services = health.json().get("services");
		assertThat(services.propertyNames()).containsExactlyInAnyOrder("auth-service", "crew-service",
				"mission-service", "issue-service", "credential-vault-service", "webhook-service", "realtime-service");
		assertThat(services.get("crew-service").asString()).isEqualTo("UP");
		assertThat(services.get("auth-service").asString()).isEqualTo("DOWN");
	}

	@Test
	void aCallersRequestIdIsForwardedAndAnsweredAnUnsafeOneReplaced() {
		Response kept = this.publicApi.get("/api/v1/crews", "X-Request-Id", "cli-0123456789abcdef");
		assertThat(kept.status()).isEqualTo(200);
		assertThat(forwardedRequestId.get()).isEqualTo("cli-0123456789abcdef");
		assertThat(kept.header("X-Request-Id")).isEqualTo("cli-0123456789abcdef");
		// not a plain token (a log pipeline would read the quote and the braces):
		// replaced
		Response replaced = this.publicApi.get("/api/v1/crews", "X-Request-Id", "x\"}{\"level\":\"ERROR");
		assertThat(replaced.header("X-Request-Id")).isNotBlank().doesNotContain("\"").isNotEqualTo("x");
		assertThat(forwardedRequestId.get()).isEqualTo(replaced.header("X-Request-Id"));
		// none given: one is made, and it differs per request
		Response fresh = this.publicApi.get("/api/v1/crews");
		assertThat(fresh.header("X-Request-Id")).isNotBlank().isNotEqualTo(replaced.header("X-Request-Id"));
	}

	/**
	 * The gateway's own log lines carry the request id and the trace id (MDC filled
	 * across Reactor's threads): the line of a 503 for a dead service names the request
	 * whose caller got it.
	 */
	@Test
	void theLogLineOfAFallbackCarriesTheRequestIdAndTraceId(CapturedOutput output) {
		String requestId = "req-" + java.util.UUID.randomUUID();
		Response response = this.publicApi.get("/api/v1/workspaces/ws1/members", "X-Request-Id", requestId);
		assertProblem(response, 503);
		assertThat(response.header("X-Request-Id")).isEqualTo(requestId);
		String line = output.getOut()
			.lines()
			.filter(text -> text.contains("/api/v1/workspaces/ws1/members: 503"))
			.filter(text -> text.contains(requestId))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no fallback line with " + requestId + " in:\n" + output.getOut()));
		// [traceId,spanId,requestId]: a 32-hex trace id before the request id
		assertThat(line).containsPattern("\\[[0-9a-f]{32},[0-9a-f]{16}," + requestId + "\\]");
	}

	@Test
	void theSuitesOpenApiDocumentIsOpenAndNamesTheServicesThatDidNotAnswer() {
		Response doc = this.publicApi.get("/api/v1/openapi.json");
		assertThat(doc.status()).isEqualTo(200);
		assertThat(doc.json().get("openapi").asString()).isEqualTo("3.1.0");
		assertThat(doc.json().at("/paths/~1api~1v1~1crews/get/x-crewship-service").asString())
			.isEqualTo("crew-service");
		assertThat(doc.json().at("/paths/~1api~1health").has("get")).isTrue();
		assertThat(doc.json().get("paths").propertyNames()).noneMatch(path -> path.contains("/internal"));
		assertThat(doc.json().get("x-crewship-missing-services").values()).extracting(node -> node.asString())
			.containsExactlyInAnyOrder("auth-service", "mission-service", "issue-service", "credential-vault-service",
					"webhook-service");
	}

	@Test
	void forgedIdentityIsReplacedBySignedAnonymousAssertion() throws Exception {
		Response response = this.publicApi.get("/api/v1/crews", IdentityAssertion.HEADER, "forged.by.client");
		assertThat(response.status()).isEqualTo(200);
		IdentityAssertion forwarded = verifier().verify(forwardedIdentity.get());
		assertThat(forwarded.method()).isEqualTo(AuthMethod.ANONYMOUS);
		assertThat(forwarded.isAuthenticated()).isFalse();
	}

	@Test
	void workspaceSkillsGoToCrewServiceAndTheRestOfWorkspacesToAuth() {
		// crew-service is the stand-in that answers here; auth-service is down (503)
		assertThat(this.publicApi.postJson("/api/v1/workspaces/ws1/skills/import", "{}").status()).isEqualTo(200);
		assertProblem(this.publicApi.get("/api/v1/workspaces/ws1/members"), 503);
	}

	@Test
	void issuePagesGoToIssueServiceSavedViewsIncluded() {
		// issue-service is down here (503 naming it); crew-service, the catch-all, is up
		for (String path : new String[] { "/api/v1/issues", "/api/v1/crews/c1/issues/ENG-1", "/api/v1/labels",
				"/api/v1/projects/p1/stats", "/api/v1/milestones/m1", "/api/v1/relations/r1", "/api/v1/saved-views",
				"/api/v1/saved-views/v1", "/api/v1/inbox", "/api/v1/inbox/count", "/api/v1/inbox/i1" }) {
			Response response = this.publicApi.get(path);
			assertProblem(response, 503);
			assertThat(response.json().get("detail").asString()).as(path).contains("issue-service");
		}
	}

	@Test
	void journalMetricsAndPipelineRunsGoToMissionService() {
		// mission-service is down here (503 naming it): the routing map's mission rows
		// that sit under other services' prefixes (/admin, /workspaces) are matched first
		for (String path : new String[] { "/api/v1/journal/lookup", "/api/v1/metrics/timeseries",
				"/api/v1/mcp-tool-calls", "/api/v1/admin/journal/verify", "/api/v1/workspaces/w1/pipeline-runs",
				"/api/v1/workspaces/w1/pipelines/runs/active", "/api/v1/journal", "/api/v1/journal/count",
				"/api/v1/journal/j_1", "/api/v1/activity" }) {
			Response response = this.publicApi.get(path);
			assertProblem(response, 503);
			assertThat(response.json().get("detail").asString()).as(path).contains("mission-service");
		}
		// the stream's route has no breaker time limit: refused by the unreachable
		// service itself
		for (String path : new String[] { "/api/v1/journal/stream", "/api/v1/chats/c1/stream" }) {
			Response stream = this.publicApi.get(path);
			assertThat(stream.status()).as(path).isGreaterThanOrEqualTo(500);
			assertThat(stream.header("Content-Type")).as(path).startsWith("application/problem+json");
		}
	}

	@Test
	void telemetryConsentIsAnsweredAtTheGatewayForAnyoneAndIsOff() {
		// the sign-in page asks before anyone is signed in; nothing reaches a service
		Response telemetry = this.publicApi.validating().get("/api/v1/system/telemetry");
		assertThat(telemetry.status()).isEqualTo(200);
		assertThat(telemetry.json().get("enabled").asBoolean()).isFalse();
		assertThat(telemetry.json().get("install_id").asString()).isEmpty();
		assertThat(forwardedIdentity.get()).isNull();
	}

	@Test
	void servicesSeeTheHostTheClientUsed() {
		// auth-service compares a browser's Origin with it (the refresh endpoint)
		assertThat(this.publicApi.get("/api/v1/crews").status()).isEqualTo(200);
		assertThat(forwardedHost.get()).isEqualTo("127.0.0.1:" + this.port);
	}

	@Test
	void internalTokenOnThePublicPortGrantsNothing() throws Exception {
		Response response = this.publicApi.get("/api/v1/crews", "X-Internal-Token", INTERNAL_TOKEN);
		assertThat(response.status()).isEqualTo(200);
		assertThat(forwardedInternalToken.get()).isNull();
		assertThat(verifier().verify(forwardedIdentity.get()).method()).isEqualTo(AuthMethod.ANONYMOUS);
		Response internalPath = this.publicApi.get("/api/v1/internal/crews", "X-Internal-Token", INTERNAL_TOKEN);
		assertProblem(internalPath, 404);
	}

	@Test
	void internalListenerNeedsTheRightToken() throws Exception {
		assertProblem(this.internalApi.get("/api/v1/internal/crews"), 401);
		assertProblem(this.internalApi.get("/api/v1/internal/crews", "X-Internal-Token", "wrong"), 401);
		Response ok = this.internalApi.get("/api/v1/internal/crews", "X-Internal-Token", INTERNAL_TOKEN);
		assertThat(ok.status()).isEqualTo(200);
		assertThat(forwardedInternalToken.get()).as("the token never travels past the gateway").isNull();
		assertThat(verifier().verify(forwardedIdentity.get()).method()).isEqualTo(AuthMethod.INTERNAL);
		// a fresh connection: reusing the one that just carried a proxied answer has hung
		// twice in ~10 runs under load (under investigation, see the session note)
		TestHttp fresh = new TestHttp("http://127.0.0.1:" + INTERNAL_PORT);
		assertProblem(fresh.get("/api/v1/crews", "X-Internal-Token", INTERNAL_TOKEN), 404);
	}

	/**
	 * The internal listener on a Unix socket (the seed's sidecar layer): a sidecar with
	 * the token reaches the internal routes, without it is refused, and the public API is
	 * not served there; the socket file is the gateway's user's and group's only.
	 */
	@Test
	void internalRoutesOverTheUnixSocketNeedTheToken() throws Exception {
		assertThat(Files.getPosixFilePermissions(INTERNAL_SOCKET))
			.isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
		reactor.netty.http.client.HttpClient socket = reactor.netty.http.client.HttpClient.create()
			.remoteAddress(() -> new io.netty.channel.unix.DomainSocketAddress(INTERNAL_SOCKET.toFile()));
		assertThat(statusOver(socket, "/api/v1/internal/crews", null)).isEqualTo(401);
		assertThat(statusOver(socket, "/api/v1/internal/crews", "wrong")).isEqualTo(401);
		assertThat(statusOver(socket, "/api/v1/internal/crews", INTERNAL_TOKEN)).isEqualTo(200);
		assertThat(forwardedInternalToken.get()).as("the token never travels past the gateway").isNull();
		assertThat(verifier().verify(forwardedIdentity.get()).method()).isEqualTo(AuthMethod.INTERNAL);
		assertThat(statusOver(socket, "/api/v1/crews", INTERNAL_TOKEN)).isEqualTo(404);
	}

	private static int statusOver(reactor.netty.http.client.HttpClient socket, String path, String token) {
		return socket.headers(headers -> {
			headers.set("Host", "localhost");
			if (token != null) {
				headers.set("X-Internal-Token", token);
			}
		})
			.get()
			.uri(path)
			.responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
			.block(Duration.ofSeconds(10));
	}

	@Test
	void jwksOnlyOnTheInternalListener() {
		Response jwks = this.internalApi.get("/api/v1/internal/jwks");
		assertThat(jwks.status()).isEqualTo(200);
		assertThat(jwks.json().get("keys").get(0).get("kty").asString()).isEqualTo("EC");
		assertThat(jwks.json().get("keys").get(0).has("d")).as("never the private part").isFalse();
		assertProblem(this.publicApi.get("/api/v1/internal/jwks"), 404);
	}

	@Test
	void serviceThatIsDownAnswers503NamingIt() {
		Response response = this.publicApi.get("/api/v1/missions");
		assertProblem(response, 503);
		assertThat(response.header("Retry-After")).isNotBlank();
		assertThat(response.json().get("detail").asString()).contains("mission-service");
		assertThat(response.json().get("instance").asString()).isEqualTo("/api/v1/missions");
	}

	@Test
	void everyRunListingOfAnAgentGoesToMissionServicePipelineWebhooksToWebhookService() {
		// both are down here: the fallback names the service the route chose. One owner
		// of
		// runs: a webhook-triggered run is a mission-service run like any other
		assertThat(this.publicApi.get("/api/v1/agents/a1/runs?trigger_type=WEBHOOK").json().get("detail").asString())
			.contains("mission-service");
		assertThat(this.publicApi.get("/api/v1/agents/a1/runs?trigger_type=webhook").json().get("detail").asString())
			.contains("mission-service");
		assertThat(this.publicApi.get("/api/v1/agents/a1/runs").json().get("detail").asString())
			.contains("mission-service");
		assertThat(this.publicApi.get("/api/v1/agents/a1/runs?trigger_type=MANUAL").json().get("detail").asString())
			.contains("mission-service");
		assertThat(this.publicApi.get("/api/v1/workspaces/ws1/pipeline-webhooks").json().get("detail").asString())
			.contains("webhook-service");
	}

	@Test
	void bodyOverOneMegabyteIs413BeforeAnythingIsForwarded() {
		Response response = this.publicApi.postJson("/api/v1/crews", "x".repeat(1024 * 1024 + 1));
		assertProblem(response, 413);
		assertThat(forwardedIdentity.get()).isNull();
	}

	@Test
	void crossSiteTokenRefreshIsRefusedAtTheEdgeEvenWithoutASession() {
		// the refresh cookie is an ambient credential the gateway cannot read: the origin
		// check applies to its endpoint whatever the request carries
		Response crossSite = this.publicApi.send("POST", "/api/auth/token/refresh", null, null, "Cookie",
				"refresh-token=anything", "Origin", "https://evil.example");
		assertProblem(crossSite, 403);
		// same origin passes the edge (auth-service is down here: 503 from its fallback)
		Response sameOrigin = this.publicApi.send("POST", "/api/auth/token/refresh", null, null, "Cookie",
				"refresh-token=anything", "Origin", "http://127.0.0.1:" + this.port);
		assertProblem(sameOrigin, 503);
	}

	@Test
	void pathOutsideTheApiIsProblem404() {
		assertProblem(this.publicApi.get("/not-an-api"), 404);
	}

	private IdentityAssertionVerifier verifier() throws Exception {
		String jwks = this.internalApi.get("/api/v1/internal/jwks").body();
		return new IdentityAssertionVerifier(new ImmutableJWKSet<SecurityContext>(JWKSet.parse(jwks)));
	}

	/**
	 * The breaker of a busy service stays closed: 64 requests at once, each answered
	 * slowly but correctly, are all forwarded and answered — none shed, none refused
	 * afterwards.
	 */
	@Test
	void aBusyServiceIsNotABrokenOne() throws Exception {
		int concurrency = 64;
		try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
			var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
			for (int i = 0; i < concurrency * 2; i++) {
				answers.add(threads.submit(() -> this.publicApi.get("/api/v1/slow").status()));
			}
			var statuses = new java.util.ArrayList<Integer>();
			for (var answer : answers) {
				statuses.add(answer.get());
			}
			assertThat(statuses).containsOnly(200);
		}
		assertThat(this.publicApi.get("/api/v1/crews").status()).isEqualTo(200);
		// a permit is given back when the exchange completes, which can be a moment after
		// the client read the last byte
		long deadline = System.nanoTime() + 2_000_000_000L;
		while (this.admission.inFlight("crew-service") > 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(this.admission.inFlight("crew-service")).as("every permit given back").isZero();
	}

	/**
	 * Clients that hang up mid-request, a service that is down, and requests refused at
	 * the edge all give their admission permit back: a leaked permit would, over time,
	 * shed every request to a healthy service.
	 */
	@Test
	void everyWayARequestEndsGivesItsAdmissionPermitBack() throws Exception {
		java.net.http.HttpClient impatient = java.net.http.HttpClient.newBuilder()
			.version(java.net.http.HttpClient.Version.HTTP_1_1)
			.build();
		for (int i = 0; i < 20; i++) {
			try {
				impatient.send(java.net.http.HttpRequest
					.newBuilder(java.net.URI.create("http://127.0.0.1:" + this.port + "/api/v1/slow"))
					.timeout(java.time.Duration.ofMillis(50))
					.build(), java.net.http.HttpResponse.BodyHandlers.discarding());
			}
			catch (java.net.http.HttpTimeoutException expected) {
				// the client hung up before the service answered
			}
			assertProblem(this.publicApi.get("/api/v1/missions"), 503);
			this.publicApi.get("/api/v1/crews", "Authorization", "Bearer not-a-crewship-token");
		}
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.admission.inFlight("crew-service")).isZero());
		assertThat(this.admission.inFlight("mission-service")).isZero();
	}

	/**
	 * A replica that dies is failed over at once — reads and writes alike, since a
	 * refused connection sent nothing — and leaves the rotation; once it answers again it
	 * rejoins and gets requests, with no step by anyone. A replica that never answered is
	 * never chosen.
	 */
	@Test
	void aReplicaThatDiesIsFailedOverAndRejoinsOnceItAnswersAgain() throws Exception {
		int first = downstream.getAddress().getPort();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> inRotation().equals(java.util.Set.of(first, SECOND_REPLICA_PORT)));
		secondReplica.stop(0);
		for (int i = 0; i < 20; i++) {
			Response response = (i % 2 == 0) ? this.publicApi.postJson("/api/v1/crews", "{}")
					: this.publicApi.get("/api/v1/crews");
			assertThat(response.status()).as(response.body()).isEqualTo(200);
		}
		long stopped = System.nanoTime();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> inRotation().equals(java.util.Set.of(first)));
		secondReplica = startDownstream(SECOND_REPLICA_PORT);
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> inRotation().contains(SECOND_REPLICA_PORT));
		int before = answeredBy(SECOND_REPLICA_PORT);
		for (int i = 0; i < 10; i++) {
			assertThat(this.publicApi.get("/api/v1/crews").status()).isEqualTo(200);
		}
		assertThat(answeredBy(SECOND_REPLICA_PORT)).as("the restarted replica serves again").isGreaterThan(before);
		assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(10));
	}

	private java.util.Set<Integer> inRotation() {
		return this.replicas.inRotation("crew-service")
			.stream()
			.map(java.net.URI::getPort)
			.collect(java.util.stream.Collectors.toSet());
	}

	private static int answeredBy(int port) {
		return answered.getOrDefault(port, new java.util.concurrent.atomic.AtomicInteger()).get();
	}

	static void assertProblem(Response response, int status) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("status").asInt()).isEqualTo(status);
	}

	private static HttpServer startDownstream(int port) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
			server.createContext("/", exchange -> {
				if (exchange.getRequestURI().getPath().equals("/api/v1/slow")) {
					// a busy service: every answer takes a while, none fails
					try {
						Thread.sleep(200);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				if (exchange.getRequestURI().getPath().equals("/internal/openapi")) {
					byte[] body = """
							{"openapi":"3.1.0","paths":{"/api/v1/crews":{"get":{"responses":{"200":{"description":"ok"}}}},
							"/api/v1/internal/crews/{id}":{"get":{"responses":{"200":{"description":"ok"}}}}}}"""
						.getBytes(StandardCharsets.UTF_8);
					exchange.getResponseHeaders().set("Content-Type", "application/json");
					exchange.sendResponseHeaders(200, body.length);
					exchange.getResponseBody().write(body);
					exchange.close();
					return;
				}
				if (exchange.getRequestURI().getPath().equals("/readyz")) {
					exchange.sendResponseHeaders(200, -1);
					exchange.close();
					return;
				}
				answered
					.computeIfAbsent(exchange.getLocalAddress().getPort(),
							p -> new java.util.concurrent.atomic.AtomicInteger())
					.incrementAndGet();
				exchange.getRequestBody().readAllBytes(); // drained, so the connection
															// can be reused
				forwardedIdentity.set(exchange.getRequestHeaders().getFirst(IdentityAssertion.HEADER));
				forwardedInternalToken.set(exchange.getRequestHeaders().getFirst("X-Internal-Token"));
				forwardedHost.set(exchange.getRequestHeaders().getFirst("Host"));
				forwardedRequestId.set(exchange.getRequestHeaders().getFirst("X-Request-Id"));
				byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			// one virtual thread per request, as a servlet container takes many at once
			server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
