package crewship.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import crewship.platform.testing.ReferenceSchemas;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of the running suite: raw HTTP, as a browser or the CLI would send it. Every
 * 2xx answer of an operation the reference document describes is checked against that
 * operation's response schema ({@link ReferenceSchemas}); a body of the wrong shape fails
 * the test with the operation and the JSON path, since the web UI and the CLI crash on
 * shapes, not on status codes.
 */
final class Client {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Client() {
	}

	record Response(int status, HttpResponse<String> raw) {

		JsonNode json() {
			return JSON.readTree(this.raw.body());
		}

		String header(String name) {
			return this.raw.headers().firstValue(name).orElse(null);
		}

		String body() {
			return this.raw.body();
		}

	}

	static Response get(String url, String... headers) {
		return send("GET", url, null, headers);
	}

	static Response post(String url, String json, String... headers) {
		return send("POST", url, json, headers);
	}

	static Response send(String method, String url, String json, String... headers) {
		return send(method, url, json, Duration.ofSeconds(20), headers);
	}

	/** With a time limit of its own (the drills wait out the gateway's route timeout). */
	static Response send(String method, String url, String json, Duration timeout, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(timeout)
			.method(method,
					(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			conforms(method, response);
			return new Response(response.statusCode(), response);
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + url + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Fails when a 2xx body does not match the reference schema of its operation; the one
	 * check every request of every system test goes through.
	 */
	static void conforms(String method, HttpResponse<String> response) {
		URI uri = response.uri();
		String path = (uri.getRawQuery() != null) ? uri.getRawPath() + "?" + uri.getRawQuery() : uri.getRawPath();
		ReferenceSchemas.shared()
			.assertConforms(method, path, response.statusCode(),
					response.headers().firstValue("Content-Type").orElse(null), response.body());
	}

}
