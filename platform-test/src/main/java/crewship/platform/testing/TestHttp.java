package crewship.platform.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for tests that talk to a running server the way a user's client
 * does: real sockets, raw status, headers and body.
 */
public final class TestHttp {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	// HTTP/1.1 as browsers and curl speak to an http:// origin (no h2c upgrade attempts)
	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String baseUrl;

	private final Map<String, String> defaultHeaders = new LinkedHashMap<>();

	private boolean validating;

	public TestHttp(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public TestHttp withHeader(String name, String value) {
		TestHttp copy = copy();
		copy.defaultHeaders.put(name, value);
		return copy;
	}

	/**
	 * A client that fails the test on any 2xx answer whose body does not match its
	 * operation's response schema in the reference document ({@link ReferenceSchemas}).
	 */
	public TestHttp validating() {
		TestHttp copy = copy();
		copy.validating = true;
		return copy;
	}

	private TestHttp copy() {
		TestHttp copy = new TestHttp(this.baseUrl);
		copy.defaultHeaders.putAll(this.defaultHeaders);
		copy.validating = this.validating;
		return copy;
	}

	public Response get(String path, String... headers) {
		return send("GET", path, null, null, headers);
	}

	public Response delete(String path, String... headers) {
		return send("DELETE", path, null, null, headers);
	}

	public Response postJson(String path, String json, String... headers) {
		return send("POST", path, "application/json", json, headers);
	}

	public Response send(String method, String path, String contentType, String body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(30))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		this.defaultHeaders.forEach(request::header);
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		try {
			HttpResponse<String> sent = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			Response response = new Response(sent.statusCode(), sent.headers().map(), sent.body());
			if (this.validating) {
				ReferenceSchemas.shared().assertConforms(method, path, response);
			}
			return response;
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** What came back. */
	public record Response(int status, Map<String, java.util.List<String>> headers, String body) {

		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter(entry -> entry.getKey().equalsIgnoreCase(name))
				.map(entry -> entry.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		public JsonNode json() {
			return JSON.readTree(this.body);
		}

		@Override
		public String toString() {
			return this.status + " " + this.body;
		}

	}

}
