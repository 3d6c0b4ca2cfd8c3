package crewship.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server's HTTP API as the CLI calls it: JSON in and out, the bearer token (when
 * there is one) and the workspace header on every request, and every answer that is not a
 * success turned into a {@link Failure} of its class, with the RFC 7807 problem's detail
 * and extension members. Never logs a header or a body: tokens and secret values travel
 * in them.
 */
public final class Api {

	public static final JsonMapper JSON = JsonMapper.builder().build();

	public static final String WORKSPACE_HEADER = "X-Workspace-ID";

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

	private final String server;

	private final String token;

	private final String workspaceId;

	private final PrintStream trace;

	private final HttpClient http;

	/** One answer, raw. */
	public record Answer(int status, Map<String, List<String>> headers, String body) {

		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter(entry -> entry.getKey().equalsIgnoreCase(name))
				.map(entry -> entry.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		public List<String> headers(String name) {
			return this.headers.entrySet()
				.stream()
				.filter(entry -> entry.getKey().equalsIgnoreCase(name))
				.flatMap(entry -> entry.getValue().stream())
				.toList();
		}

		public boolean ok() {
			return this.status >= 200 && this.status < 300;
		}

		public JsonNode json() {
			if (this.body == null || this.body.isBlank()) {
				return JSON.missingNode();
			}
			try {
				return JSON.readTree(this.body);
			}
			catch (JacksonException ex) {
				throw Failure.general("the server answered " + this.status + " with a body that is not JSON");
			}
		}

	}

	/**
	 * @param server the server's base URL, no trailing slash
	 * @param token the bearer token, or null for anonymous calls
	 * @param workspaceId sent as {@value #WORKSPACE_HEADER}, or null
	 * @param trace where {@code --verbose} writes one line per request, or null
	 */
	public Api(String server, String token, String workspaceId, PrintStream trace) {
		this.server = server;
		this.token = token;
		this.workspaceId = workspaceId;
		this.trace = trace;
		this.http = HttpClient.newBuilder()
			.connectTimeout(CONNECT_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	public String server() {
		return this.server;
	}

	public Api inWorkspace(String workspaceId) {
		return new Api(this.server, this.token, workspaceId, this.trace);
	}

	public JsonNode get(String path) {
		return checked(send("GET", path, null, Map.of())).json();
	}

	public JsonNode post(String path, JsonNode body) {
		return checked(send("POST", path, body, Map.of())).json();
	}

	public JsonNode patch(String path, JsonNode body) {
		return checked(send("PATCH", path, body, Map.of())).json();
	}

	public JsonNode put(String path, JsonNode body) {
		return checked(send("PUT", path, body, Map.of())).json();
	}

	public JsonNode delete(String path) {
		return checked(send("DELETE", path, null, Map.of())).json();
	}

	/** A request whose failure is the caller's to judge. */
	public Answer send(String method, String path, JsonNode body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.server + path))
			.timeout(REQUEST_TIMEOUT)
			.header("Accept", "application/json")
			.header("User-Agent", "crewship-cli/" + BuildInfo.load().version());
		if (this.token != null) {
			request.header("Authorization", "Bearer " + this.token);
		}
		if (this.workspaceId != null) {
			request.header(WORKSPACE_HEADER, this.workspaceId);
		}
		headers.forEach(request::header);
		if (body != null) {
			request.header("Content-Type", "application/json");
			request.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		long start = System.nanoTime();
		try {
			HttpResponse<String> response = this.http.send(request.build(),
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			if (this.trace != null) {
				this.trace.printf("%s %s -> %d (%d ms)%n", method, path, response.statusCode(),
						Duration.ofNanos(System.nanoTime() - start).toMillis());
			}
			return new Answer(response.statusCode(), response.headers().map(), response.body());
		}
		catch (IOException ex) {
			throw Failure.network("could not reach " + this.server + ": "
					+ ((ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw Failure.network("interrupted");
		}
	}

	/** The answer when it is a success, else its {@link Failure}. */
	public static Answer checked(Answer answer) {
		if (answer.ok()) {
			return answer;
		}
		String detail = null;
		JsonNode extensions = null;
		try {
			JsonNode problem = JSON.readTree(answer.body());
			if (problem != null && problem.isObject()) {
				detail = text(problem, "detail");
				if (detail == null) {
					detail = text(problem, "error");
				}
				if (detail == null) {
					detail = text(problem, "title");
				}
				ObjectNode rest = (ObjectNode) problem.deepCopy();
				for (String standard : List.of("type", "title", "status", "detail", "instance")) {
					rest.remove(standard);
				}
				extensions = rest.isEmpty() ? null : rest;
			}
		}
		catch (JacksonException | IllegalArgumentException ex) {
			// not a problem document: the status says enough
		}
		if (detail == null && answer.status() >= 500) {
			detail = "the server failed";
		}
		throw Failure.http(answer.status(), detail, extensions);
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString() && !value.asString().isBlank()) ? value.asString() : null;
	}

	/** A path with its query, each value encoded; null values are left out. */
	public static String path(String path, Object... keyValues) {
		Map<String, Object> query = new LinkedHashMap<>();
		for (int i = 0; i + 1 < keyValues.length; i += 2) {
			if (keyValues[i + 1] != null) {
				query.put((String) keyValues[i], keyValues[i + 1]);
			}
		}
		if (query.isEmpty()) {
			return path;
		}
		List<String> pairs = new ArrayList<>();
		query.forEach((key, value) -> pairs.add(key + "=" + encode(String.valueOf(value))));
		return path + "?" + String.join("&", pairs);
	}

	/** One path segment, encoded. */
	public static String segment(String value) {
		return encode(value).replace("+", "%20");
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	public static ObjectNode object() {
		return JSON.createObjectNode();
	}

}
