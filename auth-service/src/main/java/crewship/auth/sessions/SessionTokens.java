package crewship.auth.sessions;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.stereotype.Component;

import crewship.auth.AuthProperties;
import crewship.platform.identity.SigningKeys;

/**
 * Mints the two JWTs auth-service hands to clients, both ES256 and bound to a server-side
 * session: the session cookie (30 days, {@code use=session}) and the WebSocket token (60
 * s, {@code use=ws}). The gateway verifies them against
 * {@code /api/v1/internal/auth/jwks} and checks the session.
 */
@Component
public class SessionTokens {

	public static final String ISSUER = "crewship-auth";

	public static final String USE_CLAIM = "use";

	public static final String SESSION_CLAIM = "sid";

	public static final Duration WS_TOKEN_LIFETIME = Duration.ofSeconds(60);

	private final SigningKeys keys;

	private final ECDSASigner signer;

	public SessionTokens(AuthProperties properties) throws JOSEException {
		this.keys = SigningKeys.load(properties.signingKey(), properties.signingKeyFile(), "CREWSHIP_AUTH_SIGNING_KEY");
		this.signer = new ECDSASigner(this.keys.signingKey());
	}

	public String sessionToken(UserSession session) {
		return sign(session.getUserId(), session.getId(), "session", session.getCreatedAt(), session.getExpiresAt());
	}

	public String wsToken(String userId, String sessionId, Instant now) {
		return sign(userId, sessionId, "ws", now, now.plus(WS_TOKEN_LIFETIME));
	}

	public Map<String, Object> publicJwks() {
		return this.keys.publicJwks();
	}

	private String sign(String userId, String sessionId, String use, Instant issued, Instant expires) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER)
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
