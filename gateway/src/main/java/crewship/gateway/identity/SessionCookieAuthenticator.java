package crewship.gateway.identity;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.web.server.ServerWebExchange;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;

/**
 * The browser's session cookie ({@code authjs.session-token}, or {@code __Secure-…} over
 * HTTPS): a JWT from auth-service whose session must still be live (checked with
 * auth-service, remembered a few seconds). A cookie that is invalid, expired or revoked
 * counts as no session at all, so a browser holding a stale one can still reach sign-in;
 * protected endpoints then answer 401.
 */
public class SessionCookieAuthenticator implements Authenticator {

	static final String HTTP_COOKIE = "authjs.session-token";

	static final String HTTPS_COOKIE = "__Secure-authjs.session-token";

	private final AuthTokens tokens;

	private final LiveSessions sessions;

	public SessionCookieAuthenticator(AuthTokens tokens, AuthService auth, CredentialCache cache) {
		this.tokens = tokens;
		this.sessions = new LiveSessions(auth, cache);
	}

	@Override
	public Mono<IdentityAssertion> authenticate(ServerWebExchange exchange, Listener listener) {
		if (listener != Listener.PUBLIC) {
			return Mono.empty();
		}
		HttpCookie cookie = exchange.getRequest().getCookies().getFirst(HTTPS_COOKIE);
		if (cookie == null) {
			cookie = exchange.getRequest().getCookies().getFirst(HTTP_COOKIE);
		}
		if (cookie == null || cookie.getValue().isBlank()) {
			return Mono.empty();
		}
		return this.tokens.sessionCookie(cookie.getValue())
			.flatMap(claims -> this.sessions.caller(claims, AuthMethod.SESSION));
	}

}
