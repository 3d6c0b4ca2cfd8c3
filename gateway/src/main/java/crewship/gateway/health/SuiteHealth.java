package crewship.gateway.health;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /api/health}: the gateway is up (200, {@code "status":"ok"}) and, for
 * information, whether each service's readiness probe answers UP. A service that is down
 * does not turn the answer into an error.
 */
public class SuiteHealth {

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

	private final Map<String, URI> services;

	private final WebClient client = WebClient.builder().build();

	public SuiteHealth(Map<String, URI> services) {
		this.services = services;
	}

	public Mono<ServerResponse> handle(ServerRequest request) {
		return Flux.fromIterable(this.services.entrySet())
			.flatMap(service -> probe(service.getValue()).map(state -> Map.entry(service.getKey(), state)))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
			.flatMap(states -> ServerResponse.ok().bodyValue(Map.of("status", "ok", "services", states)));
	}

	private Mono<String> probe(URI service) {
		return this.client.get()
			.uri(service.resolve("/readyz"))
			.exchangeToMono(response -> response.releaseBody()
				.thenReturn(response.statusCode().is2xxSuccessful() ? "UP" : "DOWN"))
			.timeout(PROBE_TIMEOUT)
			.onErrorReturn("DOWN");
	}

}
