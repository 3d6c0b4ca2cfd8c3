package crewship.platform.identity;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where a service finds the gateway's public keys, and how long it keeps them.
 *
 * @param jwksUri the gateway's {@code /api/v1/internal/jwks} on the internal listener
 * @param cacheFor how long fetched keys are trusted before a refresh
 * @param openPaths paths besides the probes this service serves without an assertion
 */
@ConfigurationProperties("crewship.identity")
public record IdentityProperties(URI jwksUri, Duration cacheFor, List<String> openPaths) {

	public IdentityProperties {
		if (cacheFor == null) {
			cacheFor = Duration.ofMinutes(5);
		}
		openPaths = (openPaths != null) ? List.copyOf(openPaths) : List.of();
	}

}
