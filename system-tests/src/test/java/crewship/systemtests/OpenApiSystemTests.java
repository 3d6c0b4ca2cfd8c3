package crewship.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.systemtests.Client.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite's one OpenAPI document ({@code GET /api/v1/openapi.json} at the gateway, no
 * credential needed): every service answers for its part, every operation in it is one of
 * the reference's ({@code spec/crewship-openapi.json}, compared by method and path with
 * parameter names set aside), no internal route is in it, and every reference operation
 * it lacks is one the suite does not implement (the seed's NextAuth endpoints and
 * activity feed, which the reference document does not list, are the only additions) —
 * the owning service answers it "No endpoint" (404) or 405 — so the document lacks
 * nothing that is served.
 */
class OpenApiSystemTests {

	static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

	/**
	 * Operations the reference document lacks but the seed ({@code SEED-api-overview.md})
	 * lists: its NextAuth compatibility table (the web UI's sign-in, served by
	 * auth-service) and the cross-crew activity feed (served from mission-service's
	 * journal).
	 */
	static final Set<String> SEED_ONLY = Set.of("GET /api/auth/csrf", "GET /api/auth/error", "GET /api/auth/providers",
			"GET /api/auth/session", "GET /api/auth/signin", "POST /api/auth/callback/credentials",
			"POST /api/auth/signout", "POST /api/auth/token/refresh", "GET /api/v1/activity");

	static String gateway;

	@BeforeAll
	static void startSuite() {
		gateway = RunningSuite.get().gatewayUrl();
		IdentitySystemTests.startSuite(); // its sign-up helpers read its gateway field
	}

	@Test
	void theMergedDocumentHoldsOnlyReferenceOperationsAndEveryServedOne() throws Exception {
		JsonNode document = wholeDocument();
		assertThat(document.get("openapi").asString()).isEqualTo("3.1.0");
		assertThat(document.get("x-crewship-services").values()).extracting(JsonNode::asString)
			.containsExactlyInAnyOrder("gateway", "auth-service", "crew-service", "mission-service", "issue-service",
					"credential-vault-service", "webhook-service");

		Map<String, String> merged = operations(document);
		Map<String, String> reference = operations(reference());
		assertThat(merged.values()).as("internal routes").noneMatch(operation -> operation.contains("/internal"));
		Set<String> notInReference = new TreeSet<>(merged.keySet());
		notInReference.removeAll(reference.keySet());
		assertThat(notInReference).as("operations neither the reference nor the seed has").isSubsetOf(SEED_ONLY);

		Set<String> covered = new TreeSet<>(merged.keySet());
		covered.retainAll(reference.keySet());
		System.out.printf("OpenAPI: %d of the reference's %d operations are in the suite's document%n", covered.size(),
				reference.size());
		for (JsonNode service : document.get("x-crewship-services")) {
			long count = document.get("paths")
				.values()
				.stream()
				.flatMap(item -> item.properties().stream())
				.filter(op -> service.asString().equals(op.getValue().path("x-crewship-service").asString()))
				.count();
			System.out.printf("OpenAPI:   %s: %d operations%n", service.asString(), count);
			assertThat(count).as(service.asString() + "'s operations").isPositive();
		}

		// what the document lacks is not served: the owning service has no handler for it
		String token = IdentitySystemTests.mintCliToken(IdentitySystemTests.signUpAndIn(), "").split(" ")[0];
		Map<String, String> served = new java.util.concurrent.ConcurrentSkipListMap<>();
		// a few at a time: a couple of hundred probes in a few seconds
		List<java.util.concurrent.Future<?>> answers = new java.util.ArrayList<>();
		try (var probes = java.util.concurrent.Executors.newFixedThreadPool(8)) {
			for (Map.Entry<String, String> missing : reference.entrySet()) {
				if (merged.containsKey(missing.getKey())) {
					continue;
				}
				String[] operation = missing.getValue().split(" ", 2);
				String path = operation[1].replaceAll("\\{[^}]+\\}", "probe0openapi0check");
				if (path.startsWith("/api/v1/webhooks/")) {
					continue; // the gateway answers an unsigned delivery 401 before any
								// service
				}
				answers.add(probes.submit(() -> {
					Response answer = Client.send(operation[0], gateway + path,
							Set.of("POST", "PUT", "PATCH").contains(operation[0]) ? "{}" : null, "Authorization",
							"Bearer " + token);
					boolean noHandler = answer.status() == 405
							|| answer.status() == 404 && answer.body().contains("No endpoint");
					if (!noHandler) {
						served.put(missing.getValue(), answer.status() + " " + abbreviate(answer.body()));
					}
				}));
			}
		}
		for (var answer : answers) {
			answer.get(); // a probe's own failure (an unreachable gateway, a bad 2xx
							// body) fails the test
		}
		assertThat(served).as("served operations missing from the document").isEmpty();
	}

	/** The document once every service answered (a cold service may miss the first). */
	private static JsonNode wholeDocument() throws InterruptedException {
		long deadline = System.nanoTime() + 30_000_000_000L;
		while (true) {
			Response response = Client.get(gateway + "/api/v1/openapi.json");
			assertThat(response.status()).as(response.body()).isEqualTo(200);
			assertThat(response.header("Content-Type")).startsWith("application/json");
			JsonNode document = response.json();
			if (!document.has("x-crewship-missing-services") || System.nanoTime() > deadline) {
				assertThat(document.has("x-crewship-missing-services"))
					.as("missing: " + document.path("x-crewship-missing-services"))
					.isFalse();
				return document;
			}
			Thread.sleep(1000);
		}
	}

	/**
	 * {@code METHOD /path/{}} (parameter names set aside) → {@code METHOD /path/{name}}.
	 */
	static Map<String, String> operations(JsonNode document) {
		Map<String, String> operations = new TreeMap<>();
		for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
			for (String method : path.getValue().propertyNames()) {
				if (METHODS.contains(method)) {
					String upper = method.toUpperCase(Locale.ROOT);
					operations.put(upper + " " + path.getKey().replaceAll("\\{[^}]+\\}", "{}"),
							upper + " " + path.getKey());
				}
			}
		}
		return operations;
	}

	private static JsonNode reference() {
		try (InputStream in = OpenApiSystemTests.class.getClassLoader()
			.getResourceAsStream("reference/crewship-openapi.json")) {
			return Client.JSON.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String abbreviate(String body) {
		return (body.length() <= 200) ? body : body.substring(0, 200) + "…";
	}

}
