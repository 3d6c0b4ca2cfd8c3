package crewship.gateway.replicas;

import java.net.URI;

import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * A request whose connection to the chosen replica is refused goes to the next one: the
 * refused replica leaves the rotation at once and the route runs again from the URL
 * resolution, so the load balancer chooses among those left. Nothing reached the service,
 * so a write may go again too; a failure after the request was sent (the replica died
 * mid-answer) is not retried here: the route's breaker answers it with 503 +
 * {@code Retry-After}.
 * <p>
 * Ordered inside the route filters (the circuit breaker sees only the last attempt's
 * outcome, and its time limit covers all of them) and before
 * {@link RouteToRequestUrlFilter} (so each attempt resolves {@code lb://} afresh).
 * WebSocket upgrades are not retried: the handshake is answered by then.
 */
public class Failover implements GlobalFilter, Ordered {

	public static final int ORDER = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER - 1;

	private final Replicas replicas;

	public Failover(Replicas replicas) {
		this.replicas = replicas;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		String service = (route != null && "lb".equals(route.getUri().getScheme())) ? route.getUri().getHost() : null;
		int attempts = (service != null) ? this.replicas.size(service) : 1;
		if (attempts < 2 || "websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade())) {
			return chain.filter(exchange);
		}
		return Mono.defer(() -> chain.filter(exchange))
			.retryWhen(Retry.max(attempts - 1)
				.filter(ex -> failedToConnect(exchange, service, ex))
				.doBeforeRetry(signal -> ServerWebExchangeUtils.reset(exchange)));
	}

	private boolean failedToConnect(ServerWebExchange exchange, String service, Throwable ex) {
		if (!Replicas.isConnectFailure(ex)) {
			return false;
		}
		Response<ServiceInstance> chosen = exchange
			.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		if (chosen != null && chosen.hasServer()) {
			URI uri = chosen.getServer().getUri();
			this.replicas.markDown(service, uri);
		}
		return !exchange.getResponse().isCommitted();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
