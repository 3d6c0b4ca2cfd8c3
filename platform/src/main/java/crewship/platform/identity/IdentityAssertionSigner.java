package crewship.platform.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Signs identity assertions (ES256). The gateway holds the private key; tests mint their
 * own.
 * <p>
 * A caller's requests carry the same signed assertion for {@link #REUSE}: a signature per
 * request was a tenth of the gateway's CPU, and the services' verification of each new
 * one a quarter of issue-service's (IssueListBench). An assertion is a 30-second bearer
 * token bound to no request, so reusing it widens nothing: every copy still expires
 * {@link #LIFETIME} after it was signed, with at least 20 s left when sent.
 */
public final class IdentityAssertionSigner {

	public static final Duration LIFETIME = Duration.ofSeconds(30);

	public static final Duration REUSE = Duration.ofSeconds(10);

	private final Cache<IdentityAssertion, String> recent = Caffeine.newBuilder()
		.expireAfterWrite(REUSE)
		.maximumSize(10_000)
		.build();

	private final ECKey key;

	private final ECDSASigner signer;

	public IdentityAssertionSigner(ECKey key) {
		try {
			this.key = key;
			this.signer = new ECDSASigner(key);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("Identity signing key is not a usable P-256 private key", ex);
		}
	}

	/** The signed form of the assertion, signed afresh at most every {@link #REUSE}. */
	public String sign(IdentityAssertion assertion) {
		return this.recent.get(assertion, this::signNow);
	}

	private String signNow(IdentityAssertion assertion) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(IdentityAssertion.ISSUER)
			.audience(IdentityAssertion.AUDIENCE)
			.jwtID(UUID.randomUUID().toString())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(LIFETIME)))
			.claim(IdentityAssertion.METHOD_CLAIM, assertion.method().claim());
		if (assertion.subject() != null) {
			claims.subject(assertion.subject());
		}
		if (assertion.credentialId() != null) {
			claims.claim(IdentityAssertion.CREDENTIAL_CLAIM, assertion.credentialId());
		}
		if (assertion.target() != null) {
			claims.claim(IdentityAssertion.TARGET_CLAIM, assertion.target());
		}
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(this.key.getKeyID()).type(JOSEObjectType.JWT).build(),
				claims.build());
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not sign identity assertion", ex);
		}
		return jwt.serialize();
	}

}
