package crewship.gateway.identity;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Secrets;

/**
 * {@code Authorization: Bearer crewship_cli_…}: introspected with auth-service,
 * remembered for a few seconds under the token's SHA-256 (never the token itself). Any
 * other bearer credential is refused: the API takes no other kind.
 */
public class CliTokenAuthenticator implements Authenticator {

	static final String PREFIX = "crewship_cli_";

	private final AuthService auth;

	private final CredentialCache cache;

	public CliTokenAuthenticator(AuthService auth, CredentialCache cache) {
		this.auth = auth;
		this.cache = cache;
	}

	@Override
	public Mono<IdentityAssertion> authenticate(ServerWebExchange exchange, Listener listener) {
		String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (listener != Listener.PUBLIC || header == null) {
			return Mono.empty();
		}
		if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return Mono.error(new AuthenticationException("Unsupported Authorization scheme"));
		}
		String token = header.substring(7).trim();
		if (!token.startsWith(PREFIX)) {
			return Mono.error(new AuthenticationException("Unsupported bearer credential"));
		}
		return this.cache.get("cli:" + Secrets.sha256Hex(token), key -> this.auth.cliToken(token))
			.flatMap(holder -> holder
				.map(found -> Mono
					.just(new IdentityAssertion(found.userId(), AuthMethod.CLI, found.credentialId(), null)))
				.orElseGet(() -> Mono.error(new AuthenticationException("Invalid or revoked CLI token"))));
	}

}
