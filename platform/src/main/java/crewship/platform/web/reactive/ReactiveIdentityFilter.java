package crewship.platform.web.reactive;

import java.net.InetSocketAddress;

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

	private final int managementPort;

	/**
	 * @param managementPort the actuator's own port when it has one (else 0): a reactive
	 * management server shares the application's web filters, but it serves only the
	 * actuator, to the operator's network (Prometheus), never through the gateway
	 */
	public ReactiveIdentityFilter(IdentityAssertionVerifier verifier, OpenPaths openPaths, int managementPort) {
		this.verifier = verifier;
		this.openPaths = openPaths;
		this.managementPort = managementPort;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.openPaths.contains(exchange.getRequest().getPath().value()) || onManagementPort(exchange)) {
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

	private boolean onManagementPort(ServerWebExchange exchange) {
		InetSocketAddress local = exchange.getRequest().getLocalAddress();
		return this.managementPort > 0 && local != null && local.getPort() == this.managementPort;
	}

}
