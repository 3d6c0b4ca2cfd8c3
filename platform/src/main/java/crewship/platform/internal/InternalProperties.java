package crewship.platform.internal;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a service reaches another: through the gateway's internal listener, which
 * authenticates the internal token and routes {@code /api/v1/internal/**} to the owning
 * service.
 *
 * @param baseUrl the gateway's internal listener, e.g. {@code http://gateway:8081}
 * @param token the shared internal token ({@code CREWSHIP_INTERNAL_TOKEN}), from the
 * environment only
 */
@ConfigurationProperties("crewship.internal")
public record InternalProperties(URI baseUrl, String token) {

	public static final String TOKEN_HEADER = "X-Internal-Token";

}
