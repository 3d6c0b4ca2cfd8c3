package crewship.crew.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * crew-service's calls to outside HTTP APIs it is pointed at (a connector's probe, OAuth
 * discovery and client registration): one bounded request each — the connect and read
 * bounds of {@link McpProperties}, no redirects, at most {@link #MAX_BODY} of answer —
 * through the {@link EndpointFence} unless the URL is the operator's own configuration.
 */
@Component
public class OutboundHttp {

	public static final int MAX_BODY = 256 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client;

	private final EndpointFence fence;

	private final McpProperties properties;

	OutboundHttp(McpProperties properties, EndpointFence fence) {
		this.properties = properties;
		this.fence = fence;
		this.client = HttpClient.newBuilder()
			.connectTimeout(properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/** An answer, its body cut at {@link #MAX_BODY}. */
	public record Answer(int status, Map<String, java.util.List<String>> headers, String body) {

		public boolean ok() {
			return this.status >= 200 && this.status < 300;
		}

		public Optional<String> header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter(entry -> entry.getKey().equalsIgnoreCase(name))
				.flatMap(entry -> entry.getValue().stream())
				.findFirst();
		}

		/** The body as JSON, or empty when it is not. */
		public Optional<JsonNode> json() {
			try {
				return Optional.ofNullable(JSON.readTree(this.body)).filter(node -> !node.isMissingNode());
			}
			catch (JacksonException ex) {
				return Optional.empty();
			}
		}

		/** At most 200 printable characters of the body, for a human-readable cause. */
		public String snippet() {
			String clean = this.body.replaceAll("\\p{Cntrl}", " ").strip();
			return (clean.length() > 200) ? clean.substring(0, 200) + "…" : clean;
		}

	}

	/** Why no answer came: refused by the fence, or nothing usable in time. */
	public static final class Unreachable extends Exception {

		public Unreachable(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * @param fenced whether the URL came from a user (fenced) or the operator's
	 * configuration
	 * @param body the request body, or null for none
	 */
	public Answer send(String method, URI uri, Map<String, String> headers, String contentType, String body,
			boolean fenced) throws Unreachable {
		if (fenced) {
			Optional<String> refusal = this.fence.refusal(uri);
			if (refusal.isPresent()) {
				throw new Unreachable("Refused: " + refusal.get());
			}
		}
		else if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
			throw new Unreachable("Only http(s) URLs are dialled");
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
			.timeout(this.properties.requestTimeout())
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)
					: HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		request.header("User-Agent", "crewship");
		headers.forEach(request::header);
		try {
			HttpResponse<InputStream> response = this.client.send(request.build(),
					HttpResponse.BodyHandlers.ofInputStream());
			try (InputStream in = response.body()) {
				String text = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
				return new Answer(response.statusCode(), response.headers().map(), text);
			}
		}
		catch (HttpTimeoutException ex) {
			throw new Unreachable("No answer within " + this.properties.requestTimeout().toSeconds() + " s");
		}
		catch (IOException ex) {
			throw new Unreachable("Could not reach " + uri.getHost());
		}
		catch (IllegalArgumentException ex) {
			throw new Unreachable("Not a valid request: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new Unreachable("Interrupted");
		}
	}

	public Answer get(URI uri, Map<String, String> headers, boolean fenced) throws Unreachable {
		return send("GET", uri, headers, null, null, fenced);
	}

}
