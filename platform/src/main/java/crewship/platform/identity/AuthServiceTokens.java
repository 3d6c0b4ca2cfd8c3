package crewship.platform.identity;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the JWTs auth-service mints (the session cookie and the WebSocket token)
 * against its published keys: ES256, issuer {@code crewship-auth}, not expired, carrying
 * user and session, and of the expected {@code use}, so a WebSocket token is no cookie
 * and a cookie is no WebSocket token. One implementation for the gateway (cookie, and
 * {@code ?token=} at the handshake) and realtime-service (the first-message
 * {@code {"type":"auth"}}, which the gateway cannot see). Blocking: the key set may be
 * fetched (rarely, it is cached), so reactive callers run it off the event loop.
 */
public final class AuthServiceTokens {

	private static final Logger log = LoggerFactory.getLogger(AuthServiceTokens.class);

	public static final String ISSUER = "crewship-auth";

	/** What a valid token names: the user and the server-side session. */
	public record Claims(String userId, String sessionId) {
	}

	/** The {@code use} claim that keeps the two kinds of token apart. */
	public enum Use {

		SESSION("session"), WS("ws");

		private final String claim;

		Use(String claim) {
			this.claim = claim;
		}

	}

	private final Map<Use, DefaultJWTProcessor<SecurityContext>> processors;

	public AuthServiceTokens(JWKSource<SecurityContext> keys) {
		this.processors = Map.of(Use.SESSION, processor(keys, Use.SESSION), Use.WS, processor(keys, Use.WS));
	}

	/**
	 * Keys fetched from auth-service's JWKS endpoint, with generous timeouts: a busy
	 * auth-service must not turn valid tokens into refusals.
	 * @param headers sent with every fetch (the internal token, when the keys are read
	 * through the gateway's internal listener)
	 */
	public static AuthServiceTokens fetchingKeys(URI jwksUri, Map<String, List<String>> headers) {
		return fetchingKeys(() -> List.of(jwksUri), headers);
	}

	/**
	 * Keys fetched from whichever of auth-service's replicas answers, tried in the order
	 * given (the caller's rotation, asked afresh on every fetch): every replica publishes
	 * the same keys, and a fetch pinned to one replica left every token unverifiable once
	 * that replica was gone and the cached set expired.
	 */
	public static AuthServiceTokens fetchingKeys(Supplier<List<URI>> jwksUris, Map<String, List<String>> headers) {
		DefaultResourceRetriever retriever = new DefaultResourceRetriever(3000, 3000, 64 * 1024);
		retriever.setHeaders(headers);
		ResourceRetriever anyReplica = url -> {
			IOException last = null;
			for (URI candidate : jwksUris.get()) {
				try {
					return retriever.retrieveResource(candidate.toURL());
				}
				catch (IOException ex) {
					log.debug("auth-service's keys not read from {}: {}", candidate, ex.toString());
					last = ex;
				}
			}
			throw (last != null) ? last : new IOException("no auth-service replica to read the keys from");
		};
		try {
			URI first = jwksUris.get().stream().findFirst().orElseThrow();
			return new AuthServiceTokens(JWKSourceBuilder.<SecurityContext>create(first.toURL(), anyReplica)
				.retrying(true)
				.rateLimited(false)
				.build());
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private static DefaultJWTProcessor<SecurityContext> processor(JWKSource<SecurityContext> keys, Use use) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
		DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
				new JWTClaimsSet.Builder().issuer(ISSUER).claim("use", use.claim).build(), Set.of("sub", "sid", "exp"));
		// Nimbus allows 60 s of skew by default: as long as a WebSocket token's whole
		// life
		claims.setMaxClockSkew(5);
		processor.setJWTClaimsSetVerifier(claims);
		return processor;
	}

	/**
	 * @return the claims, or empty when the token is not a valid token of that use
	 * @throws KeysUnavailableException when auth-service's keys cannot be read
	 */
	public Optional<Claims> verify(String token, Use use) {
		try {
			JWTClaimsSet claims = this.processors.get(use).process(token, null);
			return Optional.of(new Claims(claims.getSubject(), claims.getStringClaim("sid")));
		}
		catch (KeySourceException ex) {
			throw new KeysUnavailableException(ex);
		}
		catch (ParseException | BadJOSEException | JOSEException ex) {
			log.debug("Refused an auth-service token: {}", ex.getMessage());
			return Optional.empty();
		}
	}

	/** auth-service's keys could not be fetched: the token is undecided, not invalid. */
	public static class KeysUnavailableException extends RuntimeException {

		KeysUnavailableException(Throwable cause) {
			super("auth-service keys unavailable", cause);
		}

	}

}
