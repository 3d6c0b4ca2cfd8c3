package crewship.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.platform.testing.ReferenceSchemas;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input on every write operation of the reference document that takes JSON —
 * generated from the document, not a hand-picked list: broken JSON, wrong types for every
 * field, unknown enum values, 2,000-deep nesting, invalid UTF-8, a 2 MB body, and 100 KB
 * strings. The structural ones must be refused with a 4xx problem+json; none may ever be
 * answered 5xx or with a stack trace. Path parameters name a real crew and agent of the
 * caller's workspace where they can, so the request reaches the handler's own checks.
 */
class HostileInputSystemTests {

	private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static String gateway;

	@BeforeAll
	static void startSuite() {
		gateway = RunningSuite.get().gatewayUrl();
	}

	record Operation(String method, String path, JsonNode schema) {
	}

	record Answer(String operation, String payload, int status, String contentType, String body) {

		@Override
		public String toString() {
			return this.operation + " [" + this.payload + "] → " + this.status + " "
					+ this.body.substring(0, Math.min(200, this.body.length()));
		}

	}

	@Test
	void everyWriteOperationRefusesHostileInputWithAProblemAndNever5xx() throws Exception {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String cookie = owner.cookieHeader();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", cookie)
			.json()
			.get(0)
			.get("id")
			.asString();
		String slug = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
		JsonNode crew = Client
			.post(gateway + "/api/v1/crews?workspace_id=" + workspaceId,
					"{\"name\":\"Hostile\",\"slug\":\"" + slug + "\"}", "Cookie", cookie, "Origin", gateway)
			.json();
		JsonNode agent = Client
			.post(gateway + "/api/v1/agents?workspace_id=" + workspaceId,
					"{\"name\":\"Target\",\"crew_id\":\"" + crew.get("id").asString() + "\",\"agent_role\":\"LEAD\"}",
					"Cookie", cookie, "Origin", gateway)
			.json();
		Map<String, String> ids = Map.of("workspaceId", workspaceId, "crewId", crew.get("id").asString(), "slug", slug,
				"agentId", (agent.has("id") ? agent.get("id").asString() : "c" + UUID.randomUUID()));

		List<Operation> operations = writeOperations();
		assertThat(operations).as("write operations taking JSON in the reference").hasSizeGreaterThan(150);
		List<Answer> serverErrors = new ArrayList<>();
		List<Answer> notRefused = new ArrayList<>();
		List<Answer> notProblems = new ArrayList<>();
		int sent = 0;
		for (Operation operation : operations) {
			String url = gateway + resolve(operation.path(), ids) + "?workspace_id=" + workspaceId;
			for (Map.Entry<String, byte[]> payload : payloads(operation.schema()).entrySet()) {
				Answer answer = send(operation, url, payload.getKey(), payload.getValue(), cookie, workspaceId);
				sent++;
				// 501 (no container runtime) and 503 (a capability this server lacks) are
				// deliberate answers of endpoints that read no body; anything else 5xx is
				// a crash
				if (answer.status() >= 500 && answer.status() != 501 && answer.status() != 503) {
					serverErrors.add(answer);
				}
				if (answer.status() >= 400
						&& !String.valueOf(answer.contentType()).startsWith("application/problem+json")
						&& answer.status() != 405) {
					notProblems.add(answer);
				}
				if (answer.status() < 400 && !payload.getKey().equals("100 KB strings")) {
					notRefused.add(answer);
				}
				assertThat(answer.body()).as(answer.toString()).doesNotContain("\tat ").doesNotContain("Exception:");
			}
		}
		System.out.println("hostile input: " + operations.size() + " operations, " + sent + " requests, "
				+ serverErrors.size() + " answered 5xx, " + notProblems.size() + " refused without a problem, "
				+ notRefused.size() + " structural payloads accepted");
		notRefused.forEach(answer -> System.out.println("accepted: " + answer));
		notProblems.forEach(answer -> System.out.println("not a problem: " + answer));
		assertThat(serverErrors).as("answered 5xx").isEmpty();
		assertThat(notProblems).as("refused without problem+json").isEmpty();
		assertThat(notRefused).as("structurally hostile payloads accepted").isEmpty();
	}

	private static Answer send(Operation operation, String url, String name, byte[] body, String cookie,
			String workspaceId) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(30))
			.method(operation.method().toUpperCase(), HttpRequest.BodyPublishers.ofByteArray(body))
			.header("Content-Type", "application/json")
			.header("Cookie", cookie)
			.header("Origin", gateway)
			.header("X-Workspace-ID", workspaceId)
			.build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		return new Answer(operation.method().toUpperCase() + " " + operation.path(), name, response.statusCode(),
				response.headers().firstValue("Content-Type").orElse(null), response.body());
	}

	/**
	 * Every POST/PUT/PATCH with a JSON body the public API serves and a browser may send.
	 */
	static List<Operation> writeOperations() throws IOException {
		JsonNode document;
		try (InputStream in = ReferenceSchemas.class.getClassLoader()
			.getResourceAsStream("reference/crewship-openapi.json")) {
			document = Client.JSON.readTree(in);
		}
		List<Operation> operations = new ArrayList<>();
		document.get("paths").properties().forEach(path -> {
			String template = path.getKey();
			// sign-in and sign-out are not JSON APIs of a signed-in caller; internal
			// paths are
			// not on the public port; a session-ending call would end this test's own
			// session
			if (template.startsWith("/api/auth/") || template.contains("/internal/") || template.contains("signout")
					|| template.contains("logout") || template.contains("revoke")) {
				return;
			}
			for (String method : List.of("post", "put", "patch")) {
				JsonNode operation = path.getValue().get(method);
				JsonNode json = (operation != null) ? operation.at("/requestBody/content/application~1json/schema")
						: null;
				if (json != null && !json.isMissingNode()) {
					operations.add(new Operation(method, template, dereference(document, json)));
				}
			}
		});
		return operations;
	}

	private static JsonNode dereference(JsonNode document, JsonNode schema) {
		JsonNode current = schema;
		for (int i = 0; i < 5 && current.has("$ref"); i++) {
			current = document.at(current.get("$ref").asString().substring(1));
		}
		return current;
	}

	private static String resolve(String template, Map<String, String> ids) {
		Matcher matcher = PARAMETER.matcher(template);
		StringBuilder resolved = new StringBuilder();
		while (matcher.find()) {
			String value = ids.getOrDefault(matcher.group(1), "c" + UUID.randomUUID().toString().replace("-", ""));
			matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
		}
		matcher.appendTail(resolved);
		return resolved.toString();
	}

	/** The hostile bodies for one operation, by name. */
	static Map<String, byte[]> payloads(JsonNode schema) {
		Map<String, byte[]> payloads = new LinkedHashMap<>();
		payloads.put("broken JSON", "{\"name\": \"unterminated".getBytes(StandardCharsets.UTF_8));
		payloads.put("2,000-deep nesting", ("[".repeat(2000) + "]".repeat(2000)).getBytes(StandardCharsets.UTF_8));
		byte[] prefix = "{\"name\":\"".getBytes(StandardCharsets.UTF_8);
		byte[] invalid = { (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE };
		byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
		byte[] utf8 = new byte[prefix.length + invalid.length + suffix.length];
		System.arraycopy(prefix, 0, utf8, 0, prefix.length);
		System.arraycopy(invalid, 0, utf8, prefix.length, invalid.length);
		System.arraycopy(suffix, 0, utf8, prefix.length + invalid.length, suffix.length);
		payloads.put("invalid UTF-8", utf8);
		payloads.put("2 MB body",
				("{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8));
		JsonNode properties = schema.path("properties");
		if (properties.isObject() && !properties.isEmpty()) {
			ObjectNode wrongTypes = Client.JSON.createObjectNode();
			ObjectNode longStrings = Client.JSON.createObjectNode();
			ObjectNode unknownEnums = Client.JSON.createObjectNode();
			properties.properties().forEach(property -> {
				String type = property.getValue().path("type").asString("");
				switch (type) {
					case "string" -> {
						wrongTypes.set(property.getKey(), Client.JSON.createObjectNode().put("not", "a string"));
						longStrings.put(property.getKey(), "x".repeat(100 * 1024));
					}
					case "integer", "number" -> wrongTypes.put(property.getKey(), "not a number");
					case "boolean" -> wrongTypes.put(property.getKey(), "not a boolean");
					case "array" -> wrongTypes.put(property.getKey(), 42);
					case "object" -> wrongTypes.put(property.getKey(), "not an object");
					default -> wrongTypes.set(property.getKey(), Client.JSON.createArrayNode().add(1).add("x"));
				}
				if (property.getValue().has("enum")) {
					unknownEnums.put(property.getKey(), "NOT_A_VALUE_OF_THIS_ENUM");
				}
			});
			payloads.put("wrong types", Client.JSON.writeValueAsBytes(wrongTypes));
			if (!unknownEnums.isEmpty()) {
				payloads.put("unknown enum values", Client.JSON.writeValueAsBytes(unknownEnums));
			}
			if (!longStrings.isEmpty()) {
				payloads.put("100 KB strings", Client.JSON.writeValueAsBytes(longStrings));
			}
		}
		return payloads;
	}

}
