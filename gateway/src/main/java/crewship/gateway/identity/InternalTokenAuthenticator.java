package crewship.gateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalProperties;

/**
 * {@code X-Internal-Token}: only on the internal listener and only for
 * {@code /api/v1/internal/**} (the edge filter enforces both before authenticators run);
 * compared in constant time.
 */
public class InternalTokenAuthenticator implements Authenticator {

	private final byte[] token;

	public InternalTokenAuthenticator(String token) {
		this.token = (token != null) ? token.getBytes(StandardCharsets.UTF_8) : new byte[0];
	}

	@Override
	public Mono<IdentityAssertion> authenticate(ServerWebExchange exchange, Listener listener) {
		String presented = exchange.getRequest().getHeaders().getFirst(InternalProperties.TOKEN_HEADER);
		if (listener != Listener.INTERNAL || presented == null) {
			return Mono.empty();
		}
		if (this.token.length == 0 || !MessageDigest.isEqual(this.token, presented.getBytes(StandardCharsets.UTF_8))) {
			return Mono.error(new AuthenticationException("Invalid internal token"));
		}
		return Mono.just(new IdentityAssertion("internal", AuthMethod.INTERNAL, null, null));
	}

}
