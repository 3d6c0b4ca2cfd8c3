package crewship.crew.oauth;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param publicUrl the instance's public URL ({@code CREWSHIP_PUBLIC_URL}), whose
 * {@code /api/v1/oauth/callback} is the default redirect URI; never derived from request
 * headers
 * @param stateLifetime how long an authorization may take (10 minutes)
 */
@ConfigurationProperties("crewship.oauth")
public record OAuthProperties(URI publicUrl, Duration stateLifetime) {

	public OAuthProperties {
		if (publicUrl != null && publicUrl.toString().isBlank()) {
			publicUrl = null;
		}
		stateLifetime = (stateLifetime != null) ? stateLifetime : Duration.ofMinutes(10);
	}

	/** The backend callback, when the public URL is known. */
	public String callback() {
		return (this.publicUrl != null) ? this.publicUrl.toString().replaceAll("/+$", "") + "/api/v1/oauth/callback"
				: null;
	}

}
