package crewship.gateway.identity;

import reactor.core.publisher.Mono;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.AuthServiceTokens;
import crewship.platform.identity.IdentityAssertion;

/**
 * The second half of checking a session-bound token (cookie or WebSocket token): is its
 * session still live, and does it still belong to the token's user? Asked of
 * auth-service, remembered a few seconds.
 */
class LiveSessions {

	private final AuthService auth;

	private final CredentialCache cache;

	LiveSessions(AuthService auth, CredentialCache cache) {
		this.auth = auth;
		this.cache = cache;
	}

	/**
	 * @return the caller, or empty when the session is gone
	 */
	Mono<IdentityAssertion> caller(AuthServiceTokens.Claims claims, AuthMethod method) {
		return this.cache.get("session:" + claims.sessionId(), key -> this.auth.session(claims.sessionId()))
			.flatMap(Mono::justOrEmpty)
			.filter(holder -> holder.userId().equals(claims.userId()))
			.map(holder -> new IdentityAssertion(holder.userId(), method, claims.sessionId(), null));
	}

}
