package crewship.gateway.edge;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Admission control per service on this replica: at most {@code maxConcurrent} requests
 * in flight to one service, then up to {@code maxQueued} more waiting (in arrival order,
 * without holding a thread) for at most {@code maxWait}; only what is beyond that is
 * shed, with 503 + {@code Retry-After}. A burst — a thousand browsers fetching WebSocket
 * tokens after a realtime restart — waits a moment instead of being refused; a sustained
 * excess still fills the queue and is shed, so latency grows by at most {@code maxWait}.
 * <p>
 * Why here and not Spring Cloud CircuitBreaker's built-in bulkhead: that one (25 calls,
 * no wait) sits <i>inside</i> the route's circuit breaker, so every refusal counted as a
 * failure of the service — at 32–64 connections the breaker opened on a healthy service
 * and refused everything for its whole open window. A busy service is not a broken one:
 * this filter runs before the route filters, so a shed request never reaches the breaker,
 * which now opens only on the service's own failures (refused connections, timeouts), and
 * the time a request waited here is not counted against the breaker's time limit.
 * <p>
 * WebSocket upgrades and event streams are not counted: they are long-lived by design and
 * would hold a permit for their whole life (realtime-service bounds its own sockets).
 */
public class AdmissionControl implements GlobalFilter, Ordered {

	/**
	 * After the edge's WebFilters, before every route filter (the breaker among them).
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, ServicePermits> permits = new HashMap<>();

	private final Map<String, String> servicesByAuthority = new HashMap<>();

	private final MeterRegistry meters;

	/**
	 * @param services each service's base URL by name (a route's URI names its service)
	 * @param maxConcurrent requests in flight to one service from this replica
	 * @param maxQueued requests waiting for one of those permits, beyond which they are
	 * shed at once
	 * @param maxWait how long a request waits for a permit before it is shed
	 */
	public AdmissionControl(Map<String, URI> services, int maxConcurrent, int maxQueued, Duration maxWait,
			MeterRegistry meters) {
		services.forEach((name, uri) -> this.servicesByAuthority.put(authority(uri), name));
		this.meters = meters;
		// in flight and waiting per service, and the shed count from zero, so a dashboard
		// shows all three before the first refusal
		services.keySet().forEach(name -> {
			ServicePermits permits = new ServicePermits(maxConcurrent, maxQueued, maxWait);
			this.permits.put(name, permits);
			Gauge.builder("crewship.gateway.admission.in_flight", permits, ServicePermits::inFlight)
				.tag("service", name)
				.register(meters);
			Gauge.builder("crewship.gateway.admission.queued", permits, ServicePermits::queued)
				.tag("service", name)
				.register(meters);
			meters.counter("crewship.gateway.admission.shed", "service", name);
		});
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		String service = (route != null) ? serviceOf(route.getUri()) : null;
		if (service == null || isLongLived(exchange)) {
			return chain.filter(exchange);
		}
		ServicePermits permits = this.permits.get(service);
		// the permit is taken when the request is subscribed, not when the filter is
		// assembled, and given back however it ends — a chain that throws instead of
		// signalling an error included: a permit taken and never given back is a service
		// shed for good once all of them are gone. It is given back before the end is
		// passed on (doOnTerminate), so whoever sees the request end sees its permit
		// free;
		// doFinally covers a cancel, and the permit is given back once either way
		return Mono.defer(permits::acquire)
			.flatMap(permit -> Mono.defer(() -> chain.filter(exchange))
				.doOnTerminate(permit::release)
				.doFinally(signal -> permit.release()))
			.onErrorResume(ServicePermits.Refused.class, refused -> {
				this.meters.counter("crewship.gateway.admission.shed", "service", service).increment();
				return shed(exchange, service);
			});
	}

	/** Requests to a service now in flight from this replica (tests, metrics). */
	public int inFlight(String service) {
		return this.permits.get(service).inFlight();
	}

	/** Requests to a service waiting for a permit on this replica (tests, metrics). */
	public int queued(String service) {
		return this.permits.get(service).queued();
	}

	private static boolean isLongLived(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		return "websocket".equalsIgnoreCase(headers.getUpgrade())
				|| headers.getAccept().contains(MediaType.TEXT_EVENT_STREAM);
	}

	private static Mono<Void> shed(ServerWebExchange exchange, String service) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		String instance = exchange.getAttributeOrDefault(EdgeIdentityFilter.ORIGINAL_PATH,
				exchange.getRequest().getPath().value());
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", "Service Unavailable");
		problem.put("status", 503);
		problem.put("detail", service + " is at capacity on this gateway; retry shortly");
		problem.put("instance", instance);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(JSON.writeValueAsBytes(problem))));
	}

	/** {@code lb://crew-service} names its service; a plain URL by its address. */
	private String serviceOf(URI uri) {
		if ("lb".equals(uri.getScheme())) {
			return this.servicesByAuthority.containsValue(uri.getHost()) ? uri.getHost() : null;
		}
		return this.servicesByAuthority.get(authority(uri));
	}

	private static String authority(URI uri) {
		return uri.getHost() + ":" + uri.getPort();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
