package crewship.gateway.edge;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Where a route's circuit breaker forwards when its service fails or times out: a 503
 * that names the service and says when to retry.
 */
public class Fallbacks {

	public static final String PATH = "/__fallback/{service}";

	private static final Logger log = LoggerFactory.getLogger(Fallbacks.class);

	public Mono<ServerResponse> handle(ServerRequest request) {
		String service = request.pathVariable("service");
		String instance = request.exchange().getAttributeOrDefault(EdgeIdentityFilter.ORIGINAL_PATH, request.path());
		Throwable cause = request.exchange()
			.getAttribute(ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR);
		// the line carries the request id and trace id (MDC), so the caller's 503 can be
		// found
		log.warn("{} {}: 503, {} is unavailable ({})", request.method(), instance, service,
				(cause != null) ? cause.toString() : "circuit open");
		return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.header("Retry-After", "5")
			.bodyValue(Map.of("type", "about:blank", "title", "Service Unavailable", "status", 503, "detail",
					service + " is unavailable; retry shortly", "instance", instance));
	}

}
