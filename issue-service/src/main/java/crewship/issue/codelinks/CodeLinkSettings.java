package crewship.issue.codelinks;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How code links reach the forges.
 *
 * @param apiUrls the REST API base per forge host, beside the defaults
 * ({@code github.com} → {@code https://api.github.com}, {@code gitlab.com} →
 * {@code https://gitlab.com/api/v4}; another host → its {@code /api/v3} or
 * {@code /api/v4}); a host configured here is trusted as the operator set it
 * @param allowPrivateForges whether a forge on a private, loopback or link-local address
 * may be called (off: 422 {@code blocked-host})
 * @param timeout connect and read bound of each forge call
 */
@ConfigurationProperties("crewship.issue.code-links")
public record CodeLinkSettings(Map<String, URI> apiUrls, @DefaultValue("false") boolean allowPrivateForges,
		@DefaultValue("5s") Duration timeout) {

	public CodeLinkSettings {
		apiUrls = (apiUrls != null) ? Map.copyOf(apiUrls) : Map.of();
	}

}
