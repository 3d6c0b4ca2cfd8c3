package crewship.gateway.edge;

import io.micrometer.context.ContextRegistry;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import crewship.platform.logging.RequestIds;

/**
 * First of the gateway's filters: gives every request its id — the caller's
 * {@code X-Request-Id} when it is a plain token (a CLI or a proxy in front may have
 * chosen one), else a fresh one — forwards it to the service, answers with it, and keeps
 * it in the Reactor context, from which the gateway's own log lines take it into the MDC
 * (automatic context propagation, {@code spring.reactor.context-propagation=auto}).
 */
public class RequestIdFilter implements WebFilter, Ordered {

	static {
		ContextRegistry.getInstance()
			.registerThreadLocalAccessor(RequestIds.MDC_KEY, () -> MDC.get(RequestIds.MDC_KEY),
					value -> MDC.put(RequestIds.MDC_KEY, value), () -> MDC.remove(RequestIds.MDC_KEY));
	}

	/** The id of an exchange that passed this filter. */
	public static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String id = RequestIds.accept(exchange.getRequest().getHeaders().getFirst(RequestIds.HEADER));
		// set once, just before the answer goes out: a proxied answer's own copy is
		// replaced
		exchange.getResponse().beforeCommit(() -> {
			exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
			return Mono.empty();
		});
		ServerWebExchange withId = exchange.mutate()
			.request(exchange.getRequest().mutate().headers(headers -> headers.set(RequestIds.HEADER, id)).build())
			.build();
		withId.getAttributes().put(ATTRIBUTE, id);
		return chain.filter(withId).contextWrite(Context.of(RequestIds.MDC_KEY, id));
	}

}
