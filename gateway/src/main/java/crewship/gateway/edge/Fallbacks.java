package crewship.gateway.edge;

import java.util.Map;

import reactor.core.publisher.Mono;

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

	public Mono<ServerResponse> handle(ServerRequest request) {
		String service = request.pathVariable("service");
		String instance = request.exchange().getAttributeOrDefault(EdgeIdentityFilter.ORIGINAL_PATH, request.path());
		return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.header("Retry-After", "5")
			.bodyValue(Map.of("type", "about:blank", "title", "Service Unavailable", "status", 503, "detail",
					service + " is unavailable; retry shortly", "instance", instance));
	}

}
