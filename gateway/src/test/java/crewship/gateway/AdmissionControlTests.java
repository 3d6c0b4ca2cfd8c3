package crewship.gateway;

import java.net.URI;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import crewship.gateway.edge.AdmissionControl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission sheds only the excess over a service's limit, answers it as a problem with
 * Retry-After, and gives the permit back when a request ends.
 */
class AdmissionControlTests {

	private static final URI CREW = URI.create("http://crew-service:8102");

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AdmissionControl admission = new AdmissionControl(
			Map.of("crew-service", CREW, "auth-service", URI.create("http://auth-service:8101")), 2, this.meters);

	@Test
	void theExcessOverTheLimitIsShedWithRetryAfterAndEndedRequestsFreeTheirPermits() {
		Sinks.Empty<Void> first = Sinks.empty();
		Sinks.Empty<Void> second = Sinks.empty();
		this.admission.filter(exchange(CREW, "/api/v1/crews"), chain(first.asMono())).subscribe();
		this.admission.filter(exchange(CREW, "/api/v1/crews"), chain(second.asMono())).subscribe();
		assertThat(this.admission.inFlight("crew-service")).isEqualTo(2);

		MockServerWebExchange third = exchange(CREW, "/api/v1/crews/c1");
		this.admission.filter(third, chain(Mono.empty())).block();
		assertThat(third.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(third.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
		assertThat(third.getResponse().getHeaders().getContentType()).hasToString("application/problem+json");
		assertThat(third.getResponse().getBodyAsString().block()).contains("crew-service is at capacity")
			.contains("\"status\":503")
			.contains("\"instance\":\"/api/v1/crews/c1\"");
		assertThat(this.meters.counter("crewship.gateway.admission.shed", "service", "crew-service").count())
			.isEqualTo(1);

		// another service has its own budget
		MockServerWebExchange other = exchange(URI.create("http://auth-service:8101"), "/api/v1/workspaces");
		this.admission.filter(other, chain(Mono.empty())).block();
		assertThat(other.getResponse().getStatusCode()).isNull();

		first.tryEmitEmpty();
		assertThat(this.admission.inFlight("crew-service")).isEqualTo(1);
		MockServerWebExchange fourth = exchange(CREW, "/api/v1/crews");
		this.admission.filter(fourth, chain(Mono.empty())).block();
		assertThat(fourth.getResponse().getStatusCode()).isNull();
		second.tryEmitError(new IllegalStateException("a failed request frees its permit too"));
		assertThat(this.admission.inFlight("crew-service")).isZero();
	}

	@Test
	void aPermitIsTakenOnlyBySubscribingAndGivenBackWhenTheChainThrows() {
		// assembled but never subscribed (a filter above gave up first): nothing taken
		Mono<Void> assembled = this.admission.filter(exchange(CREW, "/api/v1/crews"), chain(Mono.never()));
		assertThat(this.admission.inFlight("crew-service")).isZero();
		assertThat(assembled).isNotNull();

		// a chain that throws rather than signalling its failure still gives its permit
		// back
		GatewayFilterChain throwing = exchange -> {
			throw new IllegalStateException("no route to the service");
		};
		for (int i = 0; i < 5; i++) {
			this.admission.filter(exchange(CREW, "/api/v1/crews"), throwing).onErrorComplete().block();
		}
		assertThat(this.admission.inFlight("crew-service")).isZero();
		MockServerWebExchange after = exchange(CREW, "/api/v1/crews");
		this.admission.filter(after, chain(Mono.empty())).block();
		assertThat(after.getResponse().getStatusCode()).as("not shed").isNull();
	}

	@Test
	void webSocketUpgradesAreNotCounted() {
		MockServerWebExchange upgrade = MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/v1/crews").header("Upgrade", "websocket"));
		upgrade.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route(CREW));
		for (int i = 0; i < 5; i++) {
			this.admission.filter(upgrade, chain(Mono.never())).subscribe();
		}
		assertThat(this.admission.inFlight("crew-service")).isZero();
	}

	private static MockServerWebExchange exchange(URI service, String path) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route(service));
		return exchange;
	}

	private static Route route(URI service) {
		return Route.async().id("r").uri(service).predicate(exchange -> true).build();
	}

	private static GatewayFilterChain chain(Mono<Void> outcome) {
		return exchange -> outcome;
	}

}
