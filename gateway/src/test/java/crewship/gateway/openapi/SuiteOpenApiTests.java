package crewship.gateway.openapi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.reactive.server.WebTestClient;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertionSigner;
import crewship.platform.identity.IdentityAssertionVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite's document as the gateway serves it, against a stand-in crew-service (the
 * other services do not answer): cached, refreshed, and whole again soon after a service
 * that was down answers.
 */
class SuiteOpenApiTests {

	static final String CREW_DOC = """
			{"openapi":"3.1.0","paths":{"/api/v1/crews":{"get":{"operationId":"list","responses":{"200":{"description":"ok"}}}},
			"/api/v1/internal/crews/{id}":{"get":{"operationId":"internal","responses":{"200":{"description":"ok"}}}}}}""";

	final AtomicInteger fetches = new AtomicInteger();

	final AtomicBoolean crewUp = new AtomicBoolean(true);

	final AtomicReference<String> assertion = new AtomicReference<>();

	HttpServer crew;

	ECKey key;

	@BeforeEach
	void start() throws Exception {
		this.key = new ECKeyGenerator(Curve.P_256).keyID("test").generate();
		this.crew = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.crew.createContext("/internal/openapi", exchange -> {
			this.fetches.incrementAndGet();
			this.assertion.set(exchange.getRequestHeaders().getFirst("X-Crewship-Identity"));
			byte[] body = this.crewUp.get() ? CREW_DOC.getBytes(StandardCharsets.UTF_8)
					: "{\"status\":503}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(this.crewUp.get() ? 200 : 503, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.crew.start();
	}

	@AfterEach
	void stop() {
		this.crew.stop(0);
	}

	WebTestClient client(Duration refreshAfter, Duration partialFor, boolean othersUp) throws IOException {
		URI crewUrl = URI.create("http://127.0.0.1:" + this.crew.getAddress().getPort());
		Map<String, URI> services = new java.util.HashMap<>();
		for (String service : SuiteOpenApi.SERVICES) {
			// the others: a port nothing listens on (a stand-in crew-service plays them
			// all when othersUp)
			services.put(service, othersUp ? crewUrl : URI.create("http://127.0.0.1:9"));
		}
		services.put("crew-service", crewUrl);
		SuiteOpenApi api = new SuiteOpenApi(services, new IdentityAssertionSigner(this.key),
				JsonMapper.builder().build(), "test", refreshAfter, partialFor);
		return WebTestClient.bindToRouterFunction(api.routes()).build();
	}

	JsonNode get(WebTestClient client) {
		byte[] body = client.get()
			.uri(SuiteOpenApi.PATH)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("application/json")
			.expectBody()
			.returnResult()
			.getResponseBody();
		return JsonMapper.builder().build().readTree(body);
	}

	@Test
	void servesWhatAnswersNamesWhatDidNotAndAsksAsTheGatewaysInternalCaller() throws Exception {
		JsonNode doc = get(client(Duration.ofMinutes(1), Duration.ofSeconds(5), false));
		assertThat(OpenApiMerger.operations(doc)).contains("GET /api/v1/crews", "GET /api/health",
				"GET /api/v1/system/version", "GET /api/v1/crewshipd");
		assertThat(OpenApiMerger.operations(doc)).noneMatch(operation -> operation.contains("/internal"));
		assertThat(doc.get("x-crewship-missing-services").values()).extracting(JsonNode::asString)
			.containsExactly("auth-service", "mission-service", "issue-service", "credential-vault-service",
					"webhook-service");
		var verifier = new IdentityAssertionVerifier(
				new ImmutableJWKSet<SecurityContext>(new JWKSet(this.key.toPublicJWK())));
		assertThat(verifier.verify(this.assertion.get()).method()).isEqualTo(AuthMethod.INTERNAL);
	}

	@Test
	void aWholeDocumentIsCachedAndRefreshedInTheBackground() throws Exception {
		WebTestClient client = client(Duration.ofMillis(300), Duration.ofSeconds(5), true);
		assertThat(get(client).has("x-crewship-missing-services")).isFalse();
		int afterFirst = this.fetches.get();
		assertThat(afterFirst).isEqualTo(SuiteOpenApi.SERVICES.size());
		get(client);
		assertThat(this.fetches.get()).as("served from the cache").isEqualTo(afterFirst);
		Thread.sleep(400);
		// past refreshAfter: the cached document is served and rebuilt behind it
		assertThat(get(client).has("x-crewship-missing-services")).isFalse();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (this.fetches.get() < 2 * afterFirst && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(this.fetches.get()).isEqualTo(2 * afterFirst);
	}

	@Test
	void aServiceThatWasDownIsBackSoonAfterItAnswers() throws Exception {
		this.crewUp.set(false);
		WebTestClient client = client(Duration.ofMinutes(1), Duration.ofMillis(300), true);
		JsonNode partial = get(client);
		assertThat(partial.get("x-crewship-missing-services").values()).extracting(JsonNode::asString)
			.containsExactlyElementsOf(SuiteOpenApi.SERVICES);
		assertThat(OpenApiMerger.operations(partial)).doesNotContain("GET /api/v1/crews").contains("GET /api/health");
		this.crewUp.set(true);
		Thread.sleep(400);
		JsonNode whole = get(client);
		assertThat(whole.has("x-crewship-missing-services")).isFalse();
		assertThat(OpenApiMerger.operations(whole)).contains("GET /api/v1/crews");
	}

}
