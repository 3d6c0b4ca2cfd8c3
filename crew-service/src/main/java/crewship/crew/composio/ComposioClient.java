package crewship.crew.composio;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import crewship.crew.mcp.OutboundHttp;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Composio's REST API (v3), called with a workspace's key (read from the vault for the
 * call) or the instance's {@code COMPOSIO_API_KEY}, at the operator-configured
 * {@code COMPOSIO_BASE_URL}. Bounded like every outside call; an answer Composio could
 * not give becomes a 502 naming its status, never its body (which may echo the request).
 */
@Component
@EnableConfigurationProperties(ComposioClient.ComposioProperties.class)
public class ComposioClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * @param baseUrl Composio's API ({@code COMPOSIO_BASE_URL})
	 * @param apiKey the instance's fallback key ({@code COMPOSIO_API_KEY}), from the
	 * environment only
	 * @param defaultConnector the {@code COMPOSIO_DEFAULT_CONNECTOR} flag
	 */
	@ConfigurationProperties("crewship.composio")
	public record ComposioProperties(URI baseUrl, String apiKey, boolean defaultConnector) {

		public ComposioProperties {
			baseUrl = (baseUrl != null && !baseUrl.toString().isBlank()) ? baseUrl
					: URI.create("https://backend.composio.dev");
			apiKey = (apiKey != null && !apiKey.isBlank()) ? apiKey : null;
		}

		@Override
		public String toString() {
			return "ComposioProperties[" + this.baseUrl + ", key " + (this.apiKey != null ? "set" : "unset") + "]";
		}

	}

	private final OutboundHttp http;

	private final ComposioProperties properties;

	ComposioClient(OutboundHttp http, ComposioProperties properties) {
		this.http = http;
		this.properties = properties;
	}

	ComposioProperties properties() {
		return this.properties;
	}

	/** An answer of Composio's that was not a success. */
	static final class Refused extends RuntimeException {

		final int status;

		Refused(int status) {
			super("Composio answered HTTP " + status, null, false, false);
			this.status = status;
		}

	}

	JsonNode get(String key, String path, Map<String, Object> query) {
		return call(key, "GET", path + query(query), null);
	}

	JsonNode post(String key, String path, Object body) {
		return call(key, "POST", path, body);
	}

	JsonNode patch(String key, String path, Object body) {
		return call(key, "PATCH", path, body);
	}

	JsonNode delete(String key, String path) {
		return call(key, "DELETE", path, null);
	}

	/**
	 * @throws Refused for an answer that is not 2xx
	 * @throws ProblemException 502 when Composio cannot be reached
	 */
	private JsonNode call(String key, String method, String path, Object body) {
		URI uri = URI.create(this.properties.baseUrl().toString().replaceAll("/+$", "") + path);
		OutboundHttp.Answer answer;
		try {
			answer = this.http.send(method, uri, Map.of("x-api-key", key, "Accept", "application/json"),
					(body != null) ? "application/json" : null, (body != null) ? JSON.writeValueAsString(body) : null,
					false);
		}
		catch (OutboundHttp.Unreachable ex) {
			throw new ProblemException(HttpStatus.BAD_GATEWAY, "Composio could not be reached: " + ex.getMessage());
		}
		if (!answer.ok()) {
			throw new Refused(answer.status());
		}
		return answer.json().orElse(JSON.createObjectNode());
	}

	private static String query(Map<String, Object> query) {
		StringBuilder out = new StringBuilder();
		Map<String, Object> present = new LinkedHashMap<>();
		query.forEach((name, value) -> {
			if (value != null && !value.toString().isBlank()) {
				present.put(name, value);
			}
		});
		present.forEach((name, value) -> out.append(out.isEmpty() ? '?' : '&')
			.append(name)
			.append('=')
			.append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8)));
		return out.toString();
	}

}
