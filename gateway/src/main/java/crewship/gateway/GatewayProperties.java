package crewship.gateway;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gateway's settings.
 *
 * @param internalPort the internal listener: {@code /api/v1/internal/**} with the
 * internal token, and the JWKS
 * @param internalToken the shared internal token ({@code CREWSHIP_INTERNAL_TOKEN}); empty
 * disables internal calls
 * @param signingKey the identity-assertion signing key as a private EC P-256 JWK (JSON),
 * shared by all replicas
 * @param signingKeyFile where to read that key from, or keep a generated one (local runs)
 * @param services each service's base URL by name, for routing and {@code /api/health}
 * @param allowedOrigins browser origins besides the gateway's own that may send
 * cookie-authenticated changes and read answers across origins (CORS, with credentials)
 * ({@code CREWSHIP_ALLOWED_ORIGINS})
 * @param trustedProxies addresses or CIDR ranges of reverse proxies in front of the
 * gateway, whose {@code X-Forwarded-For} names the client
 * ({@code CREWSHIP_TRUSTED_PROXIES}); empty (default): the socket peer is the client and
 * the header is ignored
 */
@ConfigurationProperties("crewship.gateway")
public record GatewayProperties(int internalPort, String internalToken, String signingKey, Path signingKeyFile,
		Map<String, URI> services, List<String> allowedOrigins, List<String> trustedProxies) {

	public GatewayProperties {
		services = (services != null) ? Map.copyOf(services) : Map.of();
		allowedOrigins = (allowedOrigins != null) ? List.copyOf(allowedOrigins) : List.of();
		trustedProxies = (trustedProxies != null) ? List.copyOf(trustedProxies) : List.of();
	}

}
