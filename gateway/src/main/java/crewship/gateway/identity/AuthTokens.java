package crewship.gateway.identity;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import crewship.platform.identity.AuthServiceTokens;
import crewship.platform.identity.AuthServiceTokens.Claims;
import crewship.platform.identity.AuthServiceTokens.Use;

/**
 * The reactive face of {@link AuthServiceTokens} (shared with realtime-service): the
 * session cookie and the WebSocket token, each accepted for its own use only.
 */
public class AuthTokens {

	private final AuthServiceTokens tokens;

	public AuthTokens(URI jwksUri) {
		this(() -> List.of(jwksUri));
	}

	/**
	 * @param jwksUris the key set on each auth-service replica, in the order to try them
	 * (asked on every fetch, so it follows the rotation)
	 */
	public AuthTokens(Supplier<List<URI>> jwksUris) {
		this.tokens = AuthServiceTokens.fetchingKeys(jwksUris, Map.<String, List<String>>of());
	}

	/**
	 * @return the claims, or empty when the token is not a valid session cookie
	 */
	public Mono<Claims> sessionCookie(String token) {
		return verify(token, Use.SESSION);
	}

	/**
	 * @return the claims, or empty when the token is not a valid WebSocket token
	 */
	public Mono<Claims> wsToken(String token) {
		return verify(token, Use.WS);
	}

	// Verification may fetch the key set (rarely: it is cached), so it runs off the event
	// loop.
	private Mono<Claims> verify(String token, Use use) {
		return Mono.fromCallable(() -> {
			try {
				return this.tokens.verify(token, use).orElse(null);
			}
			catch (AuthServiceTokens.KeysUnavailableException ex) {
				throw new Authenticator.AuthenticationUnavailableException(ex.getMessage(), ex);
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

}
