package crewship.gateway.identity;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

import crewship.platform.identity.IdentityAssertion;

/**
 * One way a client proves who it is (session cookie, CLI token, WebSocket token, internal
 * token, webhook signature). The gateway asks each in turn; the first that recognises its
 * credential decides.
 */
public interface Authenticator {

	/**
	 * @return empty when the request carries no credential of this kind; the caller when
	 * it is valid; an error ({@link AuthenticationException}) when it carries one that is
	 * not
	 */
	Mono<IdentityAssertion> authenticate(ServerWebExchange exchange, Listener listener);

	/** Which listener the request arrived on. */
	enum Listener {

		PUBLIC, INTERNAL

	}

	/**
	 * The credential cannot be checked now (auth-service unreachable): 503, never a
	 * guess.
	 */
	class AuthenticationUnavailableException extends RuntimeException {

		public AuthenticationUnavailableException(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/**
	 * A credential was presented and is not valid: 401, never a fallback to anonymous.
	 */
	class AuthenticationException extends RuntimeException {

		private final int status;

		public AuthenticationException(String message) {
			this(message, 401);
		}

		/**
		 * @param status 401, or 400 where a page says a malformed credential is a bad
		 * request (a stale or unparseable webhook timestamp)
		 */
		public AuthenticationException(String message, int status) {
			super(message);
			this.status = status;
		}

		public int status() {
			return this.status;
		}

	}

}
