package crewship.auth;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * auth-service settings.
 *
 * @param signingKey the session-token signing key, a private EC P-256 JWK shared by all
 * replicas ({@code CREWSHIP_AUTH_SIGNING_KEY})
 * @param signingKeyFile where to read that key, or keep a generated one (local runs)
 * @param allowSignup whether {@code POST /api/v1/auth/signup} is open
 * ({@code CREWSHIP_ALLOW_SIGNUP})
 * @param sessionLifetime how long a browser session lasts (30 days)
 * @param publicUrl the instance's public {@code http(s)://host} links are built from
 * ({@code CREWSHIP_PUBLIC_URL}); never derived from request headers
 * @param allowedOrigins browser origins besides the instance's own that may refresh a
 * session ({@code CREWSHIP_ALLOWED_ORIGINS}, the gateway's CORS and CSRF list)
 * @param idp where passwords live: {@code local} (bcrypt hashes in our database, the
 * default) or {@code keycloak} (a Keycloak realm, see {@code crewship.auth.keycloak.*});
 * {@code CREWSHIP_IDP}
 */
@ConfigurationProperties("crewship.auth")
public record AuthProperties(String signingKey, Path signingKeyFile, boolean allowSignup, Duration sessionLifetime,
		String publicUrl, List<String> allowedOrigins, Idp idp) {

	public AuthProperties {
		if (sessionLifetime == null) {
			sessionLifetime = Duration.ofDays(30);
		}
		if (publicUrl != null && !publicUrl.isBlank()) {
			URI uri = URI.create(publicUrl.trim());
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				throw new IllegalArgumentException("CREWSHIP_PUBLIC_URL must be an http(s)://host URL: " + publicUrl);
			}
			publicUrl = publicUrl.trim().replaceAll("/+$", "");
		}
		else {
			publicUrl = null;
		}
		allowedOrigins = (allowedOrigins != null) ? List.copyOf(allowedOrigins) : List.of();
		if (idp == null) {
			idp = Idp.LOCAL;
		}
	}

	/** The public base URL for links, when configured. */
	public Optional<String> publicBaseUrl() {
		return Optional.ofNullable(this.publicUrl);
	}

	/**
	 * The identity providers; binding rejects any other value, so a typo in
	 * {@code CREWSHIP_IDP} stops the service at startup.
	 */
	public enum Idp {

		LOCAL, KEYCLOAK

	}

}
