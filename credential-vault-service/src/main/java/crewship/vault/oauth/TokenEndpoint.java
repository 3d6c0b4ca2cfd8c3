package crewship.vault.oauth;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import crewship.vault.probes.EndpointFence;
import crewship.vault.probes.ProbeProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One OAuth token request (RFC 6749 §4.1.3 and §6) to a provider's token endpoint, with
 * the probes' bounds: the endpoint fence, no redirects, 3 s to connect and 5 s to answer,
 * 64 KiB of answer at most. Answers in JSON or (GitHub without {@code Accept})
 * form-encoded are both read. What comes back is summarised for callers and logs; tokens
 * go only to the vault's sealed store.
 */
@Component
class TokenEndpoint {

	static final int MAX_ANSWER = 64 * 1024;

	private final RestClient client;

	private final EndpointFence fence;

	private final JsonMapper json = JsonMapper.builder().build();

	TokenEndpoint(ProbeProperties properties) {
		this.fence = new EndpointFence(properties);
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
			.connectTimeout(properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build());
		requests.setReadTimeout(properties.readTimeout());
		this.client = RestClient.builder().requestFactory(requests).build();
	}

	/** What the provider issued. */
	record Tokens(String accessToken, String refreshToken, Long expiresIn, String scope) {
	}

	/**
	 * The outcome: tokens, a refusal ({@code error} per RFC 6749 §5.2, e.g.
	 * {@code invalid_grant}), or no usable answer (down, slow, fenced, garbled).
	 */
	sealed interface Outcome {

	}

	record Issued(Tokens tokens) implements Outcome {
	}

	record Refused(int status, String error, String description) implements Outcome {

		String summary() {
			return "The provider refused (" + this.status + (this.error != null ? ", " + this.error : "") + ")"
					+ (this.description != null ? ": " + this.description : "");
		}

	}

	record Unreachable(String why) implements Outcome {
	}

	Outcome request(String tokenUrl, Map<String, String> form) {
		URI uri;
		try {
			uri = URI.create(tokenUrl.trim());
		}
		catch (IllegalArgumentException ex) {
			return new Unreachable("The token URL is not a URL");
		}
		Optional<String> refusal = this.fence.refusal(uri);
		if (refusal.isPresent()) {
			return new Unreachable(refusal.get());
		}
		MultiValueMap<String, String> body = new LinkedMultiValueMap<>();
		form.forEach((key, value) -> {
			if (value != null) {
				body.add(key, value);
			}
		});
		try {
			return this.client.post()
				.uri(uri)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.accept(MediaType.APPLICATION_JSON)
				.body(body)
				.exchange((request, response) -> {
					byte[] bytes = response.getBody().readNBytes(MAX_ANSWER);
					Map<String, String> answer = parse(bytes, response.getHeaders().getContentType());
					int status = response.getStatusCode().value();
					if (response.getStatusCode().is2xxSuccessful() && answer.get("access_token") != null
							&& answer.get("error") == null) {
						return new Issued(new Tokens(answer.get("access_token"), answer.get("refresh_token"),
								number(answer.get("expires_in")), answer.get("scope")));
					}
					if (response.getStatusCode().is5xxServerError()) {
						return new Unreachable("The provider answered " + status);
					}
					// GitHub answers 200 with {"error": ...}
					return new Refused(status, bounded(answer.get("error")), bounded(answer.get("error_description")));
				});
		}
		catch (RestClientException ex) {
			return new Unreachable("The provider did not answer in time or could not be reached");
		}
	}

	private Map<String, String> parse(byte[] bytes, MediaType type) throws IOException {
		String text = new String(bytes, StandardCharsets.UTF_8);
		Map<String, String> values = new LinkedHashMap<>();
		if (type != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)) {
			for (String pair : text.split("&")) {
				int eq = pair.indexOf('=');
				if (eq > 0) {
					values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
							URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
				}
			}
			return values;
		}
		try {
			JsonNode node = this.json.readTree(text);
			if (node != null && node.isObject()) {
				node.properties().forEach(entry -> {
					JsonNode value = entry.getValue();
					if (value.isString() || value.isNumber() || value.isBoolean()) {
						values.put(entry.getKey(), value.asString());
					}
				});
			}
		}
		catch (JacksonException ex) {
			// not JSON: no tokens, and nothing of it is repeated
		}
		return values;
	}

	private static Long number(String value) {
		if (value == null) {
			return null;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String bounded(String value) {
		if (value == null) {
			return null;
		}
		String clean = value.replaceAll("[\\p{Cntrl}]", " ").strip();
		return (clean.length() > 200) ? clean.substring(0, 200) + "…" : clean;
	}

}
