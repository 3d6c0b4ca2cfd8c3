package crewship.gateway.identity;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;
import reactor.util.retry.Retry;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionSigner;

/**
 * The gateway's questions to auth-service: is this session live, whose CLI token is this.
 * The gateway signs its own internal assertion for these calls, like for any request it
 * forwards.
 */
public class AuthService {

	private static final Duration TIMEOUT = Duration.ofSeconds(3);

	private static final String JWKS_PATH = "/api/v1/internal/auth/jwks";

	private final WebClient client;

	private final IdentityAssertionSigner signer;

	/**
	 * @param balancing spreads the calls over auth-service's replicas (and past a dead
	 * one)
	 */
	public AuthService(URI baseUrl, IdentityAssertionSigner signer, ExchangeFilterFunction balancing) {
		this.client = WebClient.builder().baseUrl(baseUrl.toString()).filter(balancing).build();
		this.signer = signer;
	}

	/**
	 * Where the auth-service replica at {@code baseUrl} publishes the keys of its session
	 * and WebSocket tokens.
	 */
	public static URI jwksUri(URI baseUrl) {
		return baseUrl.resolve(JWKS_PATH);
	}

	/** The caller behind a live credential: user and credential (session or token) id. */
	public record Holder(String userId, String credentialId) {
	}

	public Mono<Optional<Holder>> session(String sessionId) {
		return ask(this.client.get().uri("/api/v1/internal/auth/sessions/{id}", sessionId), sessionId);
	}

	public Mono<Optional<Holder>> cliToken(String token) {
		return ask(
				this.client.post().uri("/api/v1/internal/auth/cli-tokens/introspect").bodyValue(Map.of("token", token)),
				null);
	}

	private Mono<Optional<Holder>> ask(WebClient.RequestHeadersSpec<?> request, String sessionId) {
		return request
			.header(IdentityAssertion.HEADER,
					this.signer.sign(new IdentityAssertion("gateway", AuthMethod.INTERNAL, null, null)))
			.exchangeToMono(response -> {
				if (response.statusCode() == HttpStatus.NOT_FOUND) {
					return response.releaseBody().thenReturn(Optional.<Holder>empty());
				}
				if (!response.statusCode().is2xxSuccessful()) {
					return response.releaseBody()
						.then(Mono.error(new IllegalStateException("auth-service answered " + response.statusCode())));
				}
				return response.bodyToMono(Map.class)
					.map(body -> Optional.of(new Holder(String.valueOf(body.get("user_id")),
							(sessionId != null) ? sessionId : String.valueOf(body.get("token_id")))));
			})
			// a pooled connection the service closed just as it was reused fails before
			// any
			// answer; the question is read-only, so it is asked once more on a fresh one
			.retryWhen(Retry.max(1).filter(AuthService::isTransportFailure))
			.timeout(TIMEOUT)
			.onErrorMap(ex -> !(ex instanceof Authenticator.AuthenticationException),
					ex -> new Authenticator.AuthenticationUnavailableException("auth-service did not answer", ex));
	}

	static boolean isTransportFailure(Throwable ex) {
		return ex instanceof PrematureCloseException || ex instanceof WebClientRequestException;
	}

}
