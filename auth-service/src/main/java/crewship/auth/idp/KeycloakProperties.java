package crewship.auth.idp;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Keycloak as identity provider ({@code CREWSHIP_IDP=keycloak}).
 *
 * @param url the server's base URL, e.g. {@code http://keycloak:8080}
 * ({@code CREWSHIP_KEYCLOAK_URL})
 * @param realm the realm holding the accounts, created when missing
 * ({@code CREWSHIP_KEYCLOAK_REALM}, default {@code crewship})
 * @param adminRealm the realm the admin credentials belong to (default {@code master})
 * @param adminClientId the admin API client (default {@code admin-cli})
 * @param adminClientSecret with it, the admin API is used through that client's service
 * account (client credentials) instead of {@code adminUser}/{@code adminPassword}
 * @param adminUser an admin of {@code adminRealm} ({@code CREWSHIP_KEYCLOAK_ADMIN_USER})
 * @param adminPassword that admin's password ({@code CREWSHIP_KEYCLOAK_ADMIN_PASSWORD})
 * @param clientId the confidential client of {@code realm} used to check passwords,
 * created when missing ({@code CREWSHIP_KEYCLOAK_CLIENT_ID}, default
 * {@code crewship-auth})
 * @param clientSecret its secret ({@code CREWSHIP_KEYCLOAK_CLIENT_SECRET}); when empty it
 * is read from Keycloak through the admin API
 * @param connectTimeout bound on opening a connection to Keycloak
 * @param readTimeout bound on waiting for one of its answers
 * @param setupTimeout bound on each call that creates the realm and the client (a cold
 * Keycloak takes many seconds to create a realm), and on how long a request waits for
 * that setup
 * @param retryAfter what the 503 answers tell clients while Keycloak cannot be reached
 */
@ConfigurationProperties("crewship.auth.keycloak")
public record KeycloakProperties(String url, String realm, String adminRealm, String adminClientId,
		String adminClientSecret, String adminUser, String adminPassword, String clientId, String clientSecret,
		Duration connectTimeout, Duration readTimeout, Duration setupTimeout, Duration retryAfter) {

	public KeycloakProperties {
		url = (url == null || url.isBlank()) ? null : url.strip().replaceAll("/+$", "");
		realm = orDefault(realm, "crewship");
		adminRealm = orDefault(adminRealm, "master");
		adminClientId = orDefault(adminClientId, "admin-cli");
		adminClientSecret = orDefault(adminClientSecret, null);
		adminUser = orDefault(adminUser, null);
		adminPassword = orDefault(adminPassword, null);
		clientId = orDefault(clientId, "crewship-auth");
		clientSecret = orDefault(clientSecret, null);
		connectTimeout = (connectTimeout != null) ? connectTimeout : Duration.ofSeconds(2);
		readTimeout = (readTimeout != null) ? readTimeout : Duration.ofSeconds(5);
		setupTimeout = (setupTimeout != null) ? setupTimeout : Duration.ofSeconds(60);
		retryAfter = (retryAfter != null) ? retryAfter : Duration.ofSeconds(10);
	}

	private static String orDefault(String value, String fallback) {
		return (value == null || value.isBlank()) ? fallback : value;
	}

	/** Fails fast at startup, naming the variable that is missing. */
	void requireComplete() {
		if (this.url == null) {
			throw new IllegalStateException("CREWSHIP_IDP=keycloak needs CREWSHIP_KEYCLOAK_URL");
		}
		if (this.adminClientSecret == null && (this.adminUser == null || this.adminPassword == null)) {
			throw new IllegalStateException("CREWSHIP_IDP=keycloak needs CREWSHIP_KEYCLOAK_ADMIN_USER and "
					+ "CREWSHIP_KEYCLOAK_ADMIN_PASSWORD (or CREWSHIP_KEYCLOAK_ADMIN_CLIENT_SECRET)");
		}
	}

}
