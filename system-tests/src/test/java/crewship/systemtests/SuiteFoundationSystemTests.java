package crewship.systemtests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.devstack.Suite;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The suite as a client sees it through the gateway. */
class SuiteFoundationSystemTests {

	static final List<String> SERVICES = List.of("auth-service", "crew-service", "mission-service", "issue-service",
			"credential-vault-service", "webhook-service", "realtime-service");

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static final JsonMapper json = JsonMapper.builder().build();

	static Suite suite;

	@BeforeAll
	static void startSuite() {
		suite = RunningSuite.get();
	}

	@Test
	void healthListsAllSevenServicesUp() throws Exception {
		HttpResponse<String> response = get(suite.gatewayUrl() + "/api/health");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = json.readTree(response.body());
		assertThat(body.get("status").asString()).isEqualTo("ok");
		for (String service : SERVICES) {
			assertThat(body.get("services").get(service).asString()).as(service).isEqualTo("UP");
		}
	}

	@Test
	void unknownApiPathIsTheOwningServicesProblem404() throws Exception {
		for (String path : List.of("/api/v1/no-such-thing", "/api/v1/workspaces/ws1/no-such-thing",
				"/api/v1/missions/m1/no-such-thing", "/api/v1/credentials/c1/no-such-thing")) {
			HttpResponse<String> response = get(suite.gatewayUrl() + path);
			assertProblem(response, 404);
			assertThat(json.readTree(response.body()).get("instance").asString()).isEqualTo(path);
		}
	}

	@Test
	void serviceReachedDirectlyWithoutAssertionRefuses401() throws Exception {
		for (String service : SERVICES) {
			assertProblem(get(suite.serviceUrl(service) + "/api/v1/anything"), 401);
		}
	}

	/**
	 * Prometheus scrapes every process on its management port (public port + 1000,
	 * loopback only in devstack); the public port serves none of the actuator but the
	 * probes, so neither a client of the gateway nor a caller of a service's port reads
	 * the suite's metrics.
	 */
	@Test
	void metricsAreServedOnTheManagementPortOnly() throws Exception {
		for (String service : SERVICES) {
			URI base = URI.create(suite.serviceUrl(service));
			String management = "http://127.0.0.1:" + Suite.managementPort(base.getPort());
			HttpResponse<String> scrape = get(management + "/actuator/prometheus");
			assertThat(scrape.statusCode()).as(service).isEqualTo(200);
			assertThat(scrape.body()).as(service).contains("jvm_memory_used_bytes").contains("http_server_requests");
			if (!service.equals("realtime-service")) {
				// every service with a database reports its outbox
				assertThat(scrape.body()).as(service).contains("crewship_outbox_backlog");
			}
			assertThat(get(suite.serviceUrl(service) + "/actuator/prometheus").statusCode()).as(service).isIn(401, 404);
			assertThat(get(suite.serviceUrl(service) + "/readyz").statusCode()).as(service).isEqualTo(200);
		}
		URI gateway = URI.create(suite.gatewayUrl());
		HttpResponse<String> scrape = get(
				"http://127.0.0.1:" + Suite.managementPort(gateway.getPort()) + "/actuator/prometheus");
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("crewship_gateway_admission");
		assertThat(get(suite.gatewayUrl() + "/actuator/prometheus").statusCode()).isNotEqualTo(200);
	}

	@Test
	void forgedIdentityAssertionSentToTheGatewayIsIgnored() throws Exception {
		ECKey forgerKey = new ECKeyGenerator(Curve.P_256).keyID("forger").generate();
		SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("forger").build(),
				new JWTClaimsSet.Builder().issuer("crewship-gateway")
					.audience("crewship-services")
					.subject("someone-else")
					.claim("mth", "session")
					.issueTime(new java.util.Date())
					.expirationTime(new java.util.Date(System.currentTimeMillis() + 30_000))
					.build());
		forged.sign(new ECDSASigner(forgerKey));
		// Were the forged header passed on, the service would refuse it (401); the
		// gateway replaces it.
		HttpResponse<String> response = get(suite.gatewayUrl() + "/api/v1/no-such-thing", "X-Crewship-Identity",
				forged.serialize());
		assertProblem(response, 404);
	}

	@Test
	void internalTokenGrantsNothingOnThePublicPort() throws Exception {
		assertProblem(get(suite.gatewayUrl() + "/api/v1/internal/crews", "X-Internal-Token", "anything"), 404);
		assertProblem(get(suite.gatewayInternalUrl() + "/api/v1/internal/crews", "X-Internal-Token", "wrong"), 401);
	}

	static HttpResponse<String> get(String url, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15));
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		Client.conforms("GET", response);
		return response;
	}

	static void assertProblem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(json.readTree(response.body()).get("status").asInt()).isEqualTo(status);
	}

}
