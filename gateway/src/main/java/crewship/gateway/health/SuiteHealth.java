package crewship.gateway.health;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

import crewship.gateway.replicas.Replicas;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /api/health}: the gateway is up (200, {@code "status":"ok"}) and, for
 * information, whether each service's readiness probe answers UP (on any of its
 * replicas). A service that is down does not turn the answer into an error.
 */
public class SuiteHealth {

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

	private final Replicas replicas;

	private final WebClient client = WebClient.builder().build();

	public SuiteHealth(Replicas replicas) {
		this.replicas = replicas;
	}

	public Mono<ServerResponse> handle(ServerRequest request) {
		return Flux.fromIterable(this.replicas.all().entrySet())
			.flatMap(service -> Flux.fromIterable(service.getValue())
				.flatMap(instance -> probe(instance.uri()))
				.reduce("DOWN", (state, next) -> "UP".equals(next) ? "UP" : state)
				.map(state -> Map.entry(service.getKey(), state)))
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
