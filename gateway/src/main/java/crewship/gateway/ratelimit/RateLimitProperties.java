package crewship.gateway.ratelimit;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's rate limits: token buckets that hold {@code n} requests and refill
 * {@code n} per {@link #period()}, so a caller may burst up to {@code n} and then keeps
 * the average.
 *
 * @param enabled whether the gateway limits at all ({@code CREWSHIP_RATE_LIMIT_ENABLED})
 * @param redisUrl the Redis the buckets live in, shared by every replica
 * ({@code CREWSHIP_REDIS_URL}, e.g. {@code redis://redis:6379}); empty keeps them in this
 * replica's memory
 * @param keyPrefix prefix of the Redis keys
 * @param redisTimeout how long a request waits for Redis before the limit fails open (or
 * to this replica's buckets for the sign-in limit)
 * @param period the refill period of every limit
 * @param perIdentity requests per period of an authenticated caller (user, by any
 * credential) ({@code CREWSHIP_RATE_LIMIT_PER_IDENTITY})
 * @param perIp requests per period of an anonymous client address
 * ({@code CREWSHIP_RATE_LIMIT_PER_IP})
 * @param authPerIp requests per period of a client address on the sign-in paths, the
 * seed's "10 req/min/IP" ({@code CREWSHIP_RATE_LIMIT_AUTH_PER_IP})
 * @param authPaths path patterns of the sign-in limit
 * @param credentialTestPerIp requests per period of a client address on the credential
 * test routes, credentials.mdx's "60 requests/minute per IP"
 * ({@code CREWSHIP_RATE_LIMIT_CREDENTIAL_TEST_PER_IP})
 * @param credentialTestPaths path patterns of the credential-test limit
 * @param credentialRevealPerIp requests per period of a client address on the reveal
 * route, credentials.mdx's dedicated {@code http.cred_reveal_per_min} bucket (default 3)
 * ({@code CREWSHIP_RATE_LIMIT_CREDENTIAL_REVEAL_PER_IP})
 * @param credentialRevealPaths path patterns of the reveal limit
 * @param exemptPaths path patterns never limited (probes, health, and the web UI's
 * content-hashed assets: a page load fetches dozens, and each is served once per browser)
 */
@ConfigurationProperties("crewship.gateway.rate-limit")
public record RateLimitProperties(@DefaultValue("true") boolean enabled, String redisUrl,
		@DefaultValue("crewship:ratelimit:") String keyPrefix, @DefaultValue("500ms") Duration redisTimeout,
		@DefaultValue("1m") Duration period, @DefaultValue("600") long perIdentity, @DefaultValue("300") long perIp,
		@DefaultValue("10") long authPerIp, @DefaultValue( {
				"/api/auth/callback/credentials", "/api/v1/auth/**" }) List<String> authPaths,
		@DefaultValue("60") long credentialTestPerIp,
		@DefaultValue({ "/api/v1/credentials/test", "/api/v1/credentials/*/test" }) List<String> credentialTestPaths,
		@DefaultValue("3") long credentialRevealPerIp,
		@DefaultValue("/api/v1/credentials/*/reveal") List<String> credentialRevealPaths,
		@DefaultValue({ "/api/health", "/livez", "/readyz", "/_next/static/**" }) List<String> exemptPaths){

	public RateLimitProperties {
		authPaths = List.copyOf(authPaths);
		credentialTestPaths = List.copyOf(credentialTestPaths);
		credentialRevealPaths = List.copyOf(credentialRevealPaths);
		exemptPaths = List.copyOf(exemptPaths);
	}

	public boolean shared() {
		return this.redisUrl != null && !this.redisUrl.isBlank();
	}

}
