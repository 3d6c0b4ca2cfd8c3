package crewship.auth;

import java.nio.file.Path;
import java.time.Duration;

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
 * @param idp where passwords live: {@code local} (bcrypt hashes in our database, the
 * default) or {@code keycloak} (a Keycloak realm, see {@code crewship.auth.keycloak.*});
 * {@code CREWSHIP_IDP}
 */
@ConfigurationProperties("crewship.auth")
public record AuthProperties(String signingKey, Path signingKeyFile, boolean allowSignup, Duration sessionLifetime,
		Idp idp) {

	public AuthProperties {
		if (sessionLifetime == null) {
			sessionLifetime = Duration.ofDays(30);
		}
		if (idp == null) {
			idp = Idp.LOCAL;
		}
	}

	/**
	 * The identity providers; binding rejects any other value, so a typo in
	 * {@code CREWSHIP_IDP} stops the service at startup.
	 */
	public enum Idp {

		LOCAL, KEYCLOAK

	}

}
