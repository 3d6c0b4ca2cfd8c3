package crewship.gateway.identity;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Verifies the JWTs auth-service mints (the session cookie and the WebSocket token)
 * against its published keys: ES256, issuer {@code crewship-auth}, not expired, and of
 * the expected use, so a WebSocket token is no cookie and a cookie is no WebSocket token.
 */
public class AuthTokens {

	private static final Logger log = LoggerFactory.getLogger(AuthTokens.class);

	/** What a valid token names: the user and the server-side session. */
	public record Claims(String userId, String sessionId) {
	}

	private final DefaultJWTProcessor<SecurityContext> sessionTokens;

	private final DefaultJWTProcessor<SecurityContext> wsTokens;

	public AuthTokens(URI jwksUri) {
		JWKSource<SecurityContext> keys;
		try {
			// generous timeouts: a busy auth-service must not turn valid cookies into
			// anonymous requests
			keys = JWKSourceBuilder
				.<SecurityContext>create(jwksUri.toURL(), new DefaultResourceRetriever(3000, 3000, 64 * 1024))
				.retrying(true)
				.rateLimited(false)
				.build();
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException(ex);
		}
		this.sessionTokens = processor(keys, "session");
		this.wsTokens = processor(keys, "ws");
	}

	private static DefaultJWTProcessor<SecurityContext> processor(JWKSource<SecurityContext> keys, String use) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
		DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
				new JWTClaimsSet.Builder().issuer("crewship-auth").claim("use", use).build(),
				Set.of("sub", "sid", "exp"));
		// Nimbus allows 60 s of skew by default: as long as a WebSocket token's whole
		// life
		claims.setMaxClockSkew(5);
		processor.setJWTClaimsSetVerifier(claims);
		return processor;
	}

	/**
	 * @return the claims, or empty when the token is not a valid session cookie
	 */
	public Mono<Claims> sessionCookie(String token) {
		return verify(this.sessionTokens, token);
	}

	/**
	 * @return the claims, or empty when the token is not a valid WebSocket token
	 */
	public Mono<Claims> wsToken(String token) {
		return verify(this.wsTokens, token);
	}

	// Verification may fetch the key set (rarely: it is cached), so it runs off the event
	// loop.
	private static Mono<Claims> verify(DefaultJWTProcessor<SecurityContext> processor, String token) {
		return Mono.fromCallable(() -> {
			try {
				JWTClaimsSet claims = processor.process(token, null);
				return new Claims(claims.getSubject(), claims.getStringClaim("sid"));
			}
			catch (KeySourceException ex) {
				throw new Authenticator.AuthenticationUnavailableException("auth-service keys unavailable", ex);
			}
			catch (ParseException | BadJOSEException | JOSEException ex) {
				log.debug("Refused an auth-service token: {}", ex.getMessage());
				return null;
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

}
