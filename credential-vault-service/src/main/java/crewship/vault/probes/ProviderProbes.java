package crewship.vault.probes;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Locale;
import java.util.function.Consumer;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Checks a value against its provider's API with one bounded GET: 2xx is ACTIVE, 401/403
 * INVALID, 429 RATE_LIMITED, anything else (5xx, timeout, no answer) ERROR — the
 * credential may be fine, the check was not. The value goes only into the request's auth
 * header; answers are summarised, never echoed.
 */
@Component
@EnableConfigurationProperties(ProbeProperties.class)
public class ProviderProbes {

	private final ProbeProperties properties;

	private final RestClient client;

	private final EndpointFence fence;

	ProviderProbes(ProbeProperties properties) {
		this.properties = properties;
		this.fence = new EndpointFence(properties);
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
			.connectTimeout(properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build());
		requests.setReadTimeout(properties.readTimeout());
		this.client = RestClient.builder().requestFactory(requests).build();
	}

	public ProbeResult probe(String provider, String type, String value) {
		String name = (provider != null) ? provider.toUpperCase(Locale.ROOT) : "NONE";
		if ("ENDPOINT_URL".equals(type)) {
			return endpoint(value);
		}
		URI base = this.properties.providers().get(name);
		return switch (name) {
			case "ANTHROPIC" -> ("AI_CLI_TOKEN".equals(type) || value.startsWith("sk-ant-oat"))
					? ProbeResult.unsupported("OAuth tokens are accepted without probing")
					: get(at(base, "/v1/models"), headers -> {
						headers.set("x-api-key", value);
						headers.set("anthropic-version", "2023-06-01");
					});
			case "OPENAI" -> get(at(base, "/v1/models"), bearer(value));
			case "GOOGLE" -> get(at(base, "/v1/models"), headers -> headers.set("x-goog-api-key", value));
			case "CURSOR" -> get(at(base, "/v0/me"), bearer(value));
			case "FACTORY" -> get(at(base, "/api/cli/auth/whoami"), bearer(value));
			case "GITHUB" -> get(at(base, "/user"), bearer(value).andThen(headers -> {
				headers.set(HttpHeaders.ACCEPT, "application/vnd.github+json");
				headers.set(HttpHeaders.USER_AGENT, "crewship-vault");
			}));
			case "GITLAB" -> get(at(base, "/api/v4/user"), headers -> headers.set("PRIVATE-TOKEN", value));
			case "VERCEL" -> get(at(base, "/v2/user"), bearer(value));
			default -> ProbeResult.unsupported("No validation available for this provider");
		};
	}

	/** The stored value is itself the URL to dial (a bearer-protected health URL). */
	private ProbeResult endpoint(String value) {
		URI uri;
		try {
			uri = URI.create(value.trim());
		}
		catch (IllegalArgumentException ex) {
			return new ProbeResult(false, 0, "Not a URL", true, "ERROR");
		}
		java.util.Optional<String> refusal = this.fence.refusal(uri);
		if (refusal.isPresent()) {
			return new ProbeResult(false, 0, refusal.get(), true, "ERROR");
		}
		return get(uri, headers -> {
		});
	}

	/**
	 * Appends the path, so a base with a prefix (an OpenAI-compatible gateway's /api)
	 * keeps it.
	 */
	private static URI at(URI base, String path) {
		return URI.create(base.toString().replaceAll("/+$", "") + path);
	}

	private static Consumer<HttpHeaders> bearer(String value) {
		return headers -> headers.setBearerAuth(value);
	}

	private ProbeResult get(URI uri, Consumer<HttpHeaders> auth) {
		try {
			HttpStatusCode status = this.client.get()
				.uri(uri)
				.headers(auth)
				.exchange((request, response) -> response.getStatusCode());
			int code = status.value();
			if (status.is2xxSuccessful()) {
				return new ProbeResult(true, code, null, true, "ACTIVE");
			}
			if (code == 401 || code == 403) {
				return new ProbeResult(false, code, "The provider refused the credential (" + code + ")", true,
						"INVALID");
			}
			if (code == 429) {
				return new ProbeResult(false, code, "The provider is rate-limiting this credential", true,
						"RATE_LIMITED");
			}
			return new ProbeResult(false, code, "The provider answered " + code, true, "ERROR");
		}
		catch (ResourceAccessException ex) {
			return new ProbeResult(false, 0, "The provider did not answer in time", true, "ERROR");
		}
		catch (RestClientException ex) {
			return new ProbeResult(false, 0, "The provider could not be reached", true, "ERROR");
		}
	}

}
