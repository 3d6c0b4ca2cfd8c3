package crewship.gateway.identity;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;

/**
 * The WebSocket token at the {@code /ws} handshake ({@code ?token=…}): a 60-second JWT
 * from {@code GET /api/v1/ws-token}, valid only while the session it was issued for is
 * live. It is accepted nowhere else. (The first-message form, {@code {"type":"auth"}}, is
 * realtime-service's to check.)
 */
public class WsTokenAuthenticator implements Authenticator {

	static final String PATH = "/ws";

	private final AuthTokens tokens;

	private final LiveSessions sessions;

	public WsTokenAuthenticator(AuthTokens tokens, AuthService auth, CredentialCache cache) {
		this.tokens = tokens;
		this.sessions = new LiveSessions(auth, cache);
	}

	@Override
	public Mono<IdentityAssertion> authenticate(ServerWebExchange exchange, Listener listener) {
		String token = exchange.getRequest().getQueryParams().getFirst("token");
		if (listener != Listener.PUBLIC || token == null || !PATH.equals(exchange.getRequest().getPath().value())) {
			return Mono.empty();
		}
		return this.tokens.wsToken(token)
			.flatMap(claims -> this.sessions.caller(claims, AuthMethod.WS))
			.switchIfEmpty(Mono.error(new AuthenticationException("Invalid, expired or revoked WebSocket token")));
	}

}
