package crewship.platform.web.reactive;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionVerifier;
import crewship.platform.identity.OpenPaths;

/**
 * The reactive twin of the servlet identity filter: a reactive service (realtime) refuses
 * every request without a valid gateway-signed assertion, probes aside.
 */
public class ReactiveIdentityFilter implements WebFilter, Ordered {

	/** Exchange attribute holding the verified {@link IdentityAssertion}. */
	public static final String ATTRIBUTE = IdentityAssertion.class.getName();

	private final IdentityAssertionVerifier verifier;

	private final OpenPaths openPaths;

	public ReactiveIdentityFilter(IdentityAssertionVerifier verifier, OpenPaths openPaths) {
		this.verifier = verifier;
		this.openPaths = openPaths;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.openPaths.contains(exchange.getRequest().getPath().value())) {
			return chain.filter(exchange);
		}
		String token = exchange.getRequest().getHeaders().getFirst(IdentityAssertion.HEADER);
		if (token == null || token.isBlank()) {
			return ReactiveProblems.write(exchange, HttpStatus.UNAUTHORIZED, "Requests must come through the gateway");
		}
		try {
			exchange.getAttributes().put(ATTRIBUTE, this.verifier.verify(token));
		}
		catch (IdentityAssertionVerifier.InvalidIdentityException ex) {
			return ReactiveProblems.write(exchange, HttpStatus.UNAUTHORIZED, "Invalid identity assertion");
		}
		return chain.filter(exchange);
	}

}
