package crewship.vault.probes;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where provider probes go and how long they may take.
 *
 * @param providers base URL per provider, overriding the public APIs (an
 * OpenAI-compatible gateway, a GitHub Enterprise host; WireMock in tests)
 * @param connectTimeout bound on connecting (default 3 s)
 * @param readTimeout bound on the answer (default 5 s): a slow provider costs a test at
 * most this, never a hung request
 * @param allowPrivateEndpoints whether an {@code ENDPOINT_URL} probe may dial loopback,
 * link-local and private addresses (off: a stored URL must not become a way into the
 * suite's own network)
 */
@ConfigurationProperties("crewship.vault.probes")
public record ProbeProperties(Map<String, URI> providers, Duration connectTimeout, Duration readTimeout,
		boolean allowPrivateEndpoints) {

	static final Map<String, URI> PUBLIC_APIS = Map.of("ANTHROPIC", URI.create("https://api.anthropic.com"), "OPENAI",
			URI.create("https://api.openai.com"), "GOOGLE", URI.create("https://generativelanguage.googleapis.com"),
			"CURSOR", URI.create("https://api2.cursor.sh"), "FACTORY", URI.create("https://app.factory.ai"), "GITHUB",
			URI.create("https://api.github.com"), "GITLAB", URI.create("https://gitlab.com"), "VERCEL",
			URI.create("https://api.vercel.com"));

	public ProbeProperties {
		Map<String, URI> merged = new HashMap<>(PUBLIC_APIS);
		if (providers != null) {
			providers.forEach((name, url) -> merged.put(name.toUpperCase(java.util.Locale.ROOT), url));
		}
		providers = Map.copyOf(merged);
		connectTimeout = (connectTimeout != null) ? connectTimeout : Duration.ofSeconds(3);
		readTimeout = (readTimeout != null) ? readTimeout : Duration.ofSeconds(5);
	}

}
