package crewship.auth.sessions;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.stereotype.Component;

import crewship.auth.AuthProperties;
import crewship.platform.identity.SigningKeys;
import crewship.platform.ids.Timestamps;

/**
 * Mints the two JWTs auth-service hands to clients, both ES256 and bound to a server-side
 * session: the session cookie (30 days, {@code use=session}), the refresh token
 * ({@code use=refresh}, rotated on every use) and the WebSocket token (60 s,
 * {@code use=ws}). The gateway verifies them against {@code /api/v1/internal/auth/jwks}
 * and checks the session.
 */
@Component
public class SessionTokens {

	public static final String ISSUER = "crewship-auth";

	public static final String USE_CLAIM = "use";

	public static final String SESSION_CLAIM = "sid";

	public static final Duration WS_TOKEN_LIFETIME = Duration.ofSeconds(60);

	private final SigningKeys keys;

	private final ECDSASigner signer;

	private final ECDSAVerifier verifier;

	public SessionTokens(AuthProperties properties) throws JOSEException {
		this.keys = SigningKeys.load(properties.signingKey(), properties.signingKeyFile(), "CREWSHIP_AUTH_SIGNING_KEY");
		this.signer = new ECDSASigner(this.keys.signingKey());
		this.verifier = new ECDSAVerifier(this.keys.signingKey().toPublicJWK());
	}

	public String sessionToken(UserSession session) {
		return sign(session.getUserId(), session.getId(), "session", Timestamps.now(), session.getExpiresAt(), null);
	}

	/**
	 * The refresh token: names the session and the one JTI the session will still take.
	 */
	String refreshToken(UserSession session) {
		return sign(session.getUserId(), session.getId(), "refresh", Timestamps.now(), session.getExpiresAt(),
				session.getRefreshJti());
	}

	/**
	 * A refresh token's session and JTI, once its signature, issuer, use and expiry check
	 * out.
	 */
	record RefreshClaims(String sessionId, String jti) {
	}

	Optional<RefreshClaims> verifyRefresh(String token) {
		if (token == null || token.isBlank()) {
			return Optional.empty();
		}
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(this.verifier)) {
				return Optional.empty();
			}
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			Date expires = claims.getExpirationTime();
			if (!ISSUER.equals(claims.getIssuer()) || !"refresh".equals(claims.getStringClaim(USE_CLAIM))
					|| expires == null || !expires.toInstant().isAfter(Timestamps.now())
					|| claims.getStringClaim(SESSION_CLAIM) == null || claims.getJWTID() == null) {
				return Optional.empty();
			}
			return Optional.of(new RefreshClaims(claims.getStringClaim(SESSION_CLAIM), claims.getJWTID()));
		}
		catch (ParseException | JOSEException ex) {
			return Optional.empty();
		}
	}

	public String wsToken(String userId, String sessionId, Instant now) {
		return sign(userId, sessionId, "ws", now, now.plus(WS_TOKEN_LIFETIME), null);
	}

	public Map<String, Object> publicJwks() {
		return this.keys.publicJwks();
	}

	private String sign(String userId, String sessionId, String use, Instant issued, Instant expires, String jti) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.jwtID(jti)
			.subject(userId)
			.claim(SESSION_CLAIM, sessionId)
			.claim(USE_CLAIM, use)
			.issueTime(Date.from(issued))
			.expirationTime(Date.from(expires))
			.build();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(this.keys.signingKey().getKeyID()).build(), claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not sign a session token", ex);
		}
		return jwt.serialize();
	}

}
