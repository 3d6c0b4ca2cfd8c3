package crewship.gateway.edge;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import crewship.gateway.identity.Authenticator;
import crewship.gateway.identity.Authenticator.AuthenticationException;
import crewship.gateway.identity.Authenticator.Listener;
import crewship.gateway.identity.WebhookSignatureAuthenticator;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionSigner;
import crewship.platform.internal.InternalProperties;
import crewship.platform.web.reactive.ReactiveProblems;

/**
 * The edge of the suite. For every request it
 * <ol>
 * <li>keeps each listener to its own paths: {@code /api/v1/internal/**} only on the
 * internal listener, everything else only on the public one;</li>
 * <li>drops any client-sent {@code X-Crewship-Identity} and
 * {@code X-Internal-Token};</li>
 * <li>lets exactly one authenticator decide who is calling (anonymous when none
 * recognises a credential, 401 when a presented credential is invalid);</li>
 * <li>forwards a freshly signed identity assertion, the only identity services
 * trust.</li>
 * </ol>
 */
public class EdgeIdentityFilter implements WebFilter, Ordered {

	static final String INTERNAL_PREFIX = "/api/v1/internal/";

	/** The seed's 1 MB body limit, refused here before a byte is forwarded. */
	static final long MAX_BODY_BYTES = 1024 * 1024;

	static final String JWKS_PATH = "/api/v1/internal/jwks";

	/**
	 * The path the client asked for, kept for answers produced after a forward
	 * (fallbacks).
	 */
	static final String ORIGINAL_PATH = EdgeIdentityFilter.class.getName() + ".originalPath";

	/**
	 * The caller this filter decided on, for what the gateway serves or limits itself
	 * (system endpoints, rate limits).
	 */
	public static final String IDENTITY = EdgeIdentityFilter.class.getName() + ".identity";

	private final int internalPort;

	private final List<Authenticator> authenticators;

	private final IdentityAssertionSigner signer;

	private final CsrfGuard csrf;

	/** The refresh-token endpoint of auth-service, whose cookie is a credential too. */
	static final String REFRESH_PATH = "/api/auth/token/refresh";

	public EdgeIdentityFilter(int internalPort, List<Authenticator> authenticators, IdentityAssertionSigner signer,
			CsrfGuard csrf) {
		this.internalPort = internalPort;
		this.authenticators = List.copyOf(authenticators);
		this.signer = signer;
		this.csrf = csrf;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Listener listener = listenerOf(exchange.getRequest());
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		boolean internalPath = path.startsWith(INTERNAL_PREFIX);
		exchange.getAttributes().put(ORIGINAL_PATH, path);
		if (exchange.getRequest().getHeaders().getContentLength() > MAX_BODY_BYTES) {
			return ReactiveProblems.write(exchange, HttpStatus.CONTENT_TOO_LARGE,
					"Request body exceeds " + MAX_BODY_BYTES + " bytes");
		}
		if (internalPath != (listener == Listener.INTERNAL)) {
			return ReactiveProblems.write(exchange, HttpStatus.NOT_FOUND, "No endpoint " + path + " on this listener");
		}
		if (path.equals(JWKS_PATH)) {
			return chain.filter(exchange);
		}
		if (listener == Listener.INTERNAL
				&& exchange.getRequest().getHeaders().getFirst(InternalProperties.TOKEN_HEADER) == null) {
			return ReactiveProblems.write(exchange, HttpStatus.UNAUTHORIZED,
					"The internal listener requires X-Internal-Token");
		}
		// a webhook signature covers the raw body: read it once, verify it, forward the
		// same bytes
		Mono<ServerWebExchange> ready = WebhookSignatureAuthenticator.claims(exchange, listener)
				? WebhookSignatureAuthenticator.replayableBody(exchange, (int) MAX_BODY_BYTES) : Mono.just(exchange);
		return ready.flatMap(request -> authenticate(request, chain, listener))
			.onErrorResume(AuthenticationException.class,
					ex -> ReactiveProblems.write(exchange, HttpStatus.valueOf(ex.status()), ex.getMessage()));
	}

	private Mono<Void> authenticate(ServerWebExchange exchange, WebFilterChain chain, Listener listener) {
		return Flux.fromIterable(this.authenticators)
			.concatMap(authenticator -> authenticator.authenticate(exchange, listener))
			.next()
			.defaultIfEmpty(IdentityAssertion.anonymous())
			.flatMap(identity -> (carriesAmbientCredential(identity, exchange)
					&& !this.csrf.permits(exchange.getRequest()))
							? ReactiveProblems.write(exchange, HttpStatus.FORBIDDEN, "Cross-site request refused")
							: chain.filter(withAssertion(exchange, identity)))
			.onErrorResume(AuthenticationException.class,
					ex -> ReactiveProblems.write(exchange, HttpStatus.valueOf(ex.status()), ex.getMessage()))
			.onErrorResume(Authenticator.AuthenticationUnavailableException.class, ex -> {
				exchange.getResponse().getHeaders().set("Retry-After", "5");
				return ReactiveProblems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE,
						"Sign-in cannot be checked right now; retry shortly");
			});
	}

	/**
	 * Whether the browser attached a credential by itself: a session cookie, or the
	 * refresh cookie, which only auth-service reads — so its endpoint is CSRF-checked
	 * whatever else the request carries.
	 */
	private static boolean carriesAmbientCredential(IdentityAssertion identity, ServerWebExchange exchange) {
		return identity.method() == AuthMethod.SESSION
				|| REFRESH_PATH.equals(exchange.getRequest().getPath().pathWithinApplication().value());
	}

	/**
	 * @return the caller of a request that passed this filter; empty before it, and for
	 * requests it answered itself or let through without authentication (the JWKS)
	 */
	public static Optional<IdentityAssertion> identity(ServerWebExchange exchange) {
		return Optional.ofNullable(exchange.getAttribute(IDENTITY));
	}

	private ServerWebExchange withAssertion(ServerWebExchange exchange, IdentityAssertion identity) {
		exchange.getAttributes().put(IDENTITY, identity);
		String assertion = this.signer.sign(identity);
		ServerHttpRequest request = exchange.getRequest().mutate().headers(headers -> {
			headers.remove(InternalProperties.TOKEN_HEADER);
			// a webhook's plaintext secret is checked by the vault and goes no further
			headers.remove("X-Webhook-Secret");
			headers.set(IdentityAssertion.HEADER, assertion);
		}).build();
		return exchange.mutate().request(request).build();
	}

	private Listener listenerOf(ServerHttpRequest request) {
		InetSocketAddress local = request.getLocalAddress();
		return (local != null && local.getPort() == this.internalPort) ? Listener.INTERNAL : Listener.PUBLIC;
	}

}
