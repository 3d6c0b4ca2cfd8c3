package crewship.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
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
 * How the gateway turns the vault's verdict on a webhook delivery into its answer. The
 * stand-in vault returns the verdict a test names (the signature cases themselves are
 * computed by the real vault, see credential-vault-service's WebhookSignatureTests); the
 * stand-in webhook-service records what was forwarded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookSignatureEdgeTests {

	static final String INTERNAL_TOKEN = "test-internal-token-0123456789";

	static final int INTERNAL_PORT = freePort();

	static final int DEAD_PORT = freePort();

	/** What the stand-ins saw, by role: vault body, vault headers, forwarded body, ... */
	static final Map<String, String> seen = new ConcurrentHashMap<>();

	static final HttpServer standIns = start();

	@LocalServerPort
	int port;

	TestHttp publicApi;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		String up = "http://127.0.0.1:" + standIns.getAddress().getPort();
		registry.add("crewship.gateway.internal-port", () -> INTERNAL_PORT);
		registry.add("crewship.gateway.internal-token", () -> INTERNAL_TOKEN);
		registry.add("crewship.gateway.services.credential-vault-service", () -> up);
		registry.add("crewship.gateway.services.webhook-service", () -> up);
		for (String service : new String[] { "auth-service", "crew-service", "mission-service", "issue-service",
				"realtime-service" }) {
			registry.add("crewship.gateway.services." + service, () -> "http://127.0.0.1:" + DEAD_PORT);
		}
	}

	@BeforeEach
	void setUp() {
		this.publicApi = new TestHttp("http://127.0.0.1:" + this.port);
		seen.clear();
	}

	@AfterAll
	static void stop() {
		standIns.stop(0);
	}

	/**
	 * The stand-in vault only sees the signature headers, so the presented value names
	 * the verdict: {@code valid…}, {@code 401…}, {@code 400…}; a plaintext secret is a
	 * valid deprecated delivery.
	 */
	Response trigger(String... headers) {
		return this.publicApi.send("POST", "/api/v1/webhooks/crew1/agent1/trigger", "application/json",
				"{\"event\":\"push\"}", headers);
	}

	@Test
	void aValidSignatureForwardsTheSameBodyAndOnlyTheVerdict() throws Exception {
		Response response = trigger("X-Signature", "valid-abc123", "X-Timestamp", "1751558400");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(seen.get("vault.path")).isEqualTo("/api/v1/internal/webhook-secrets/agents/agent1/verify");
		assertThat(seen.get("vault.body")).isEqualTo("{\"event\":\"push\"}");
		assertThat(seen.get("vault.signature")).isEqualTo("valid-abc123");
		assertThat(seen.get("vault.timestamp")).isEqualTo("1751558400");
		assertThat(verifier().verify(seen.get("vault.identity")).method()).as("the gateway asks as itself")
			.isEqualTo(AuthMethod.INTERNAL);
		assertThat(seen.get("forwarded.body")).as("the raw body, byte for byte").isEqualTo("{\"event\":\"push\"}");
		IdentityAssertion forwarded = verifier().verify(seen.get("forwarded.identity"));
		assertThat(forwarded.method()).isEqualTo(AuthMethod.WEBHOOK);
		assertThat(forwarded.target()).isEqualTo("webhook.agent:agent1");
		assertThat(response.header("Deprecation")).isNull();
	}

	@Test
	void thePlaintextSchemeIsMarkedDeprecatedAndItsSecretIsNotForwarded() throws Exception {
		Response response = trigger("X-Webhook-Secret", "whsec_plain");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(seen.get("vault.plaintext")).isEqualTo("whsec_plain");
		assertThat(seen.get("forwarded.plaintext")).isEqualTo("<none>");
		assertThat(response.header("Deprecation")).isEqualTo("true");
		assertThat(response.header("Sunset")).isEqualTo("Thu, 31 Dec 2026 23:59:59 GMT");
	}

	@Test
	void refusalsAnswerTheVaultsStatusAndForwardNothing() {
		Response bad = trigger("X-Signature", "401-wrong");
		GatewayEdgeTests.assertProblem(bad, 401);
		assertThat(bad.json().get("detail").asString()).isEqualTo("refused by the test");
		GatewayEdgeTests.assertProblem(trigger("X-Signature", "400-stale", "X-Timestamp", "1"), 400);
		assertThat(seen).doesNotContainKey("forwarded.body");
	}

	@Test
	void pipelineDispatchIsVerifiedUnderTheTokensDigestAndOtherWebhookPathsAreNotClaimed() {
		Response response = this.publicApi.send("POST", "/api/v1/webhooks/tok_secret123", "application/json", "{}",
				"X-Crewship-Signature", "valid-abc");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(seen.get("vault.path")).startsWith("/api/v1/internal/webhook-secrets/pipelines/")
			.doesNotContain("tok_secret123");
		assertThat(seen.get("vault.crewshipSignature")).isEqualTo("valid-abc");
		seen.clear();
		this.publicApi.get("/api/v1/webhooks/tok_secret123");
		assertThat(seen).as("a GET is not a delivery").doesNotContainKey("vault.path");
	}

	private IdentityAssertionVerifier verifier() throws Exception {
		String jwks = new TestHttp("http://127.0.0.1:" + INTERNAL_PORT).get("/api/v1/internal/jwks").body();
		return new IdentityAssertionVerifier(new ImmutableJWKSet<SecurityContext>(JWKSet.parse(jwks)));
	}

	private static HttpServer start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/", WebhookSignatureEdgeTests::handle);
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		var headers = exchange.getRequestHeaders();
		String answer;
		if (path.startsWith("/api/v1/internal/webhook-secrets/")) {
			seen.put("vault.path", path);
			seen.put("vault.body", body);
			seen.put("vault.identity", headers.getFirst(IdentityAssertion.HEADER));
			seen.put("vault.signature", String.valueOf(headers.getFirst("X-Signature")));
			seen.put("vault.timestamp", String.valueOf(headers.getFirst("X-Timestamp")));
			seen.put("vault.plaintext", String.valueOf(headers.getFirst("X-Webhook-Secret")));
			seen.put("vault.crewshipSignature", String.valueOf(headers.getFirst("X-Crewship-Signature")));
			String signature = (headers.getFirst("X-Signature") != null) ? headers.getFirst("X-Signature")
					: String.valueOf(headers.getFirst("X-Crewship-Signature"));
			boolean deprecated = headers.getFirst("X-Webhook-Secret") != null;
			boolean valid = deprecated || signature.startsWith("valid");
			int status = valid ? 200 : Integer.parseInt(signature.substring(0, 3));
			String target = (path.contains("/agents/") ? "webhook.agent:" : "webhook.pipeline:") + path.split("/")[6];
			answer = "{\"valid\":" + valid + ",\"status\":" + status + ",\"reason\":\"refused by the test\","
					+ "\"deprecated\":" + deprecated + ",\"target\":\"" + target + "\"}";
		}
		else {
			seen.put("forwarded.body", body);
			seen.put("forwarded.identity", String.valueOf(headers.getFirst(IdentityAssertion.HEADER)));
			seen.put("forwarded.plaintext", (headers.getFirst("X-Webhook-Secret") != null) ? "present" : "<none>");
			answer = "{}";
		}
		byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
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
