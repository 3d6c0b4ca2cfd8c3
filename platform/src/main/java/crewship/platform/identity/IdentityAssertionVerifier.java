package crewship.platform.identity;

import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import crewship.platform.ids.Secrets;

/**
 * Checks an identity assertion against the gateway's published keys: ES256 only, our
 * issuer and audience, not expired, and never issued for longer than a minute.
 */
public final class IdentityAssertionVerifier {

	static final Duration MAX_LIFETIME = Duration.ofSeconds(60);

	/**
	 * How long a verified assertion is taken again without another ECDSA verification
	 * (never past its own expiry): the gateway sends a caller's requests the same one for
	 * {@link IdentityAssertionSigner#REUSE}. Short, so a gateway key taken out of the key
	 * set stops being honoured within seconds.
	 */
	static final Duration VERDICT_TTL = Duration.ofSeconds(10);

	/** Keyed by the token's SHA-256, so a lookup compares digests, never the secret. */
	private final Cache<String, Verified> verified = Caffeine.newBuilder()
		.expireAfterWrite(VERDICT_TTL)
		.maximumSize(10_000)
		.build();

	private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

	public IdentityAssertionVerifier(JWKSource<SecurityContext> gatewayKeys) {
		this.processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
		this.processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, gatewayKeys));
		DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(IdentityAssertion.AUDIENCE,
				new JWTClaimsSet.Builder().issuer(IdentityAssertion.ISSUER).build(),
				Set.of("exp", "iat", IdentityAssertion.METHOD_CLAIM));
		claims.setMaxClockSkew(5);
		this.processor.setJWTClaimsSetVerifier(claims);
	}

	/**
	 * @throws InvalidIdentityException when the token is not a valid, current assertion
	 */
	public IdentityAssertion verify(String token) {
		String key = Secrets.sha256Hex(token);
		Verified known = this.verified.getIfPresent(key);
		if (known != null && System.currentTimeMillis() < known.expiresAt()) {
			return known.assertion();
		}
		Verified fresh = verifyNow(token);
		this.verified.put(key, fresh);
		return fresh.assertion();
	}

	private Verified verifyNow(String token) {
		try {
			JWTClaimsSet claims = this.processor.process(token, null);
			Date issued = claims.getIssueTime();
			Date expires = claims.getExpirationTime();
			if (expires.getTime() - issued.getTime() > MAX_LIFETIME.toMillis()) {
				throw new InvalidIdentityException("identity assertion lives longer than " + MAX_LIFETIME);
			}
			AuthMethod method = AuthMethod.fromClaim(claims.getStringClaim(IdentityAssertion.METHOD_CLAIM));
			if (method != AuthMethod.ANONYMOUS && claims.getSubject() == null) {
				throw new InvalidIdentityException("identity assertion names no caller");
			}
			return new Verified(new IdentityAssertion(claims.getSubject(), method,
					claims.getStringClaim(IdentityAssertion.CREDENTIAL_CLAIM),
					claims.getStringClaim(IdentityAssertion.TARGET_CLAIM)), expires.getTime());
		}
		catch (KeySourceException ex) {
			// the gateway's keys could not be fetched (it is slow or restarting): nothing
			// is wrong with the caller's assertion, so no 401
			throw new KeysUnavailableException(ex.getMessage(), ex);
		}
		catch (ParseException | BadJOSEException | JOSEException | IllegalArgumentException ex) {
			throw new InvalidIdentityException(ex.getMessage());
		}
	}

	private record Verified(IdentityAssertion assertion, long expiresAt) {
	}

	/** The gateway's public keys could not be fetched to verify with; try again. */
	public static class KeysUnavailableException extends RuntimeException {

		public KeysUnavailableException(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/** The assertion is missing, malformed, forged or stale. */
	public static class InvalidIdentityException extends RuntimeException {

		public InvalidIdentityException(String message) {
			super(message);
		}

	}

}
