package crewship.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
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
 * Admission lets a burst wait for permits in arrival order and sheds only what is beyond
 * the queue or waited too long, as a problem with Retry-After; every way a request ends
 * gives its permit back.
 */
class AdmissionControlTests {

	private static final URI CREW = URI.create("http://crew-service:8102");

	private static final URI AUTH = URI.create("http://auth-service:8101");

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AdmissionControl admission = admission(2, 2, Duration.ofSeconds(5));

	private AdmissionControl admission(int maxConcurrent, int maxQueued, Duration maxWait) {
		return new AdmissionControl(Map.of("crew-service", CREW, "auth-service", AUTH), maxConcurrent, maxQueued,
				maxWait, this.meters);
	}

	@Test
	void aBurstBeyondTheLimitWaitsAndGoesOnInArrivalOrderAsPermitsFreeUp() {
		Sinks.Empty<Void> first = Sinks.empty();
		Sinks.Empty<Void> second = Sinks.empty();
		this.admission.filter(exchange(CREW, "/api/v1/crews"), chain(first.asMono())).subscribe();
		this.admission.filter(exchange(CREW, "/api/v1/crews"), chain(second.asMono())).subscribe();
		List<String> started = new CopyOnWriteArrayList<>();
		MockServerWebExchange third = exchange(CREW, "/api/v1/crews/third");
		MockServerWebExchange fourth = exchange(CREW, "/api/v1/crews/fourth");
		Sinks.Empty<Void> thirdHeld = Sinks.empty();
		Mono<Void> thirdDone = this.admission.filter(third, recording(started, "third", thirdHeld.asMono())).cache();
		Mono<Void> fourthDone = this.admission.filter(fourth, recording(started, "fourth", Mono.empty())).cache();
		thirdDone.subscribe();
		fourthDone.subscribe();
		assertThat(this.admission.inFlight("crew-service")).isEqualTo(2);
		assertThat(this.admission.queued("crew-service")).isEqualTo(2);
		assertThat(started).isEmpty();

		first.tryEmitEmpty();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !started.isEmpty());
		assertThat(started).containsExactly("third");
		assertThat(this.admission.queued("crew-service")).isEqualTo(1);
		second.tryEmitError(new IllegalStateException("a failed request frees its permit too"));
		fourthDone.block(Duration.ofSeconds(5));
		assertThat(started).containsExactly("third", "fourth");
		thirdHeld.tryEmitEmpty();
		thirdDone.block(Duration.ofSeconds(5));
		assertThat(third.getResponse().getStatusCode()).as("not shed").isNull();
		assertThat(fourth.getResponse().getStatusCode()).as("not shed").isNull();
		assertThat(this.admission.inFlight("crew-service")).isZero();
		assertThat(this.admission.queued("crew-service")).isZero();
		assertThat(this.meters.counter("crewship.gateway.admission.shed", "service", "crew-service").count()).isZero();
	}

	@Test
	void theExcessBeyondTheQueueIsShedAtOnceWithRetryAfter() {
		for (int i = 0; i < 4; i++) { // two in flight, two waiting
			this.admission.filter(exchange(CREW, "/api/v1/crews"), chain(Mono.never())).subscribe();
		}
		MockServerWebExchange fifth = exchange(CREW, "/api/v1/crews/c1");
		this.admission.filter(fifth, chain(Mono.empty())).block(Duration.ofSeconds(1));
		assertThat(fifth.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(fifth.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
		assertThat(fifth.getResponse().getHeaders().getContentType()).hasToString("application/problem+json");
		assertThat(fifth.getResponse().getBodyAsString().block()).contains("crew-service is at capacity")
			.contains("\"status\":503")
			.contains("\"instance\":\"/api/v1/crews/c1\"");
		assertThat(this.meters.counter("crewship.gateway.admission.shed", "service", "crew-service").count())
			.isEqualTo(1);

		// another service has its own budget
		MockServerWebExchange other = exchange(AUTH, "/api/v1/workspaces");
		this.admission.filter(other, chain(Mono.empty())).block(Duration.ofSeconds(1));
		assertThat(other.getResponse().getStatusCode()).isNull();
	}

	@Test
	void aRequestThatWaitedTooLongIsShedAndTheNextPermitIsNotHandedToIt() {
		AdmissionControl admission = admission(1, 10, Duration.ofMillis(100));
		Sinks.Empty<Void> first = Sinks.empty();
		admission.filter(exchange(CREW, "/api/v1/crews"), chain(first.asMono())).subscribe();
		MockServerWebExchange waiting = exchange(CREW, "/api/v1/crews/late");
		AtomicBoolean ran = new AtomicBoolean();
		admission.filter(waiting, exchange -> Mono.fromRunnable(() -> ran.set(true))).block(Duration.ofSeconds(5));
		assertThat(waiting.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(ran).isFalse();
		assertThat(admission.queued("crew-service")).isZero();

		first.tryEmitEmpty();
		assertThat(admission.inFlight("crew-service")).isZero();
		assertThat(ran).as("a shed request never runs").isFalse();
	}

	@Test
	void aClientThatHangsUpWhileWaitingLeavesTheQueueAndHoldsNoPermit() {
		AdmissionControl admission = admission(1, 10, Duration.ofSeconds(5));
		Sinks.Empty<Void> first = Sinks.empty();
		admission.filter(exchange(CREW, "/api/v1/crews"), chain(first.asMono())).subscribe();
		AtomicBoolean ran = new AtomicBoolean();
		Disposable gone = admission
			.filter(exchange(CREW, "/api/v1/crews"), exchange -> Mono.fromRunnable(() -> ran.set(true)))
			.subscribe();
		assertThat(admission.queued("crew-service")).isEqualTo(1);
		gone.dispose();
		assertThat(admission.queued("crew-service")).isZero();

		first.tryEmitEmpty();
		assertThat(admission.inFlight("crew-service")).isZero();
		assertThat(ran).isFalse();
	}

	/**
	 * Thousands of requests coming and going on many threads, some abandoned while they
	 * wait, some timing out: afterwards no permit is held and nobody waits. A permit
	 * leaked by a race would shed a healthy service for good.
	 */
	@Test
	void noPermitLeaksWhenRequestsComeAndGoOnManyThreads() throws Exception {
		AdmissionControl admission = admission(4, 32, Duration.ofMillis(20));
		AtomicInteger served = new AtomicInteger();
		AtomicInteger shed = new AtomicInteger();
		int requests = 4_000;
		CountDownLatch ended = new CountDownLatch(requests);
		try (var threads = Executors.newFixedThreadPool(8)) {
			for (int i = 0; i < requests; i++) {
				int n = i;
				threads.execute(() -> {
					MockServerWebExchange exchange = exchange(CREW, "/api/v1/crews");
					Mono<Void> request = admission.filter(exchange, ex -> Mono.delay(Duration.ofMillis(n % 3))
						.then(Mono.fromRunnable(served::incrementAndGet)));
					if (n % 5 == 0) { // the client hangs up after a moment, wherever it
										// is
						Disposable subscription = request.subscribe();
						Mono.delay(Duration.ofMillis(n % 4)).subscribe(tick -> {
							subscription.dispose();
							ended.countDown();
						});
					}
					else {
						request.doFinally(signal -> {
							if (exchange.getResponse().getStatusCode() == HttpStatus.SERVICE_UNAVAILABLE) {
								shed.incrementAndGet();
							}
							ended.countDown();
						}).subscribe();
					}
				});
			}
			assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
		}
		Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(admission.inFlight("crew-service")).as("permits held").isZero();
			assertThat(admission.queued("crew-service")).as("waiting").isZero();
		});
		assertThat(served.get()).as("served").isPositive();
		assertThat(shed.get()).as("shed (the test must reach the queue's limits)").isPositive();
		// and the service is admitted as before
		MockServerWebExchange after = exchange(CREW, "/api/v1/crews");
		admission.filter(after, chain(Mono.empty())).block(Duration.ofSeconds(1));
		assertThat(after.getResponse().getStatusCode()).isNull();
	}

	/**
	 * A long queue drained by requests that end at once does not grow a stack with the
	 * queue: each woken request goes on on its own thread.
	 */
	@Test
	void aLongQueueDrainsWithoutGrowingTheStack() {
		AdmissionControl admission = admission(1, 5_000, Duration.ofSeconds(30));
		Sinks.Empty<Void> first = Sinks.empty();
		admission.filter(exchange(CREW, "/api/v1/crews"), chain(first.asMono())).subscribe();
		AtomicInteger served = new AtomicInteger();
		List<Mono<Void>> waiting = new ArrayList<>();
		for (int i = 0; i < 5_000; i++) {
			Mono<Void> request = admission
				.filter(exchange(CREW, "/api/v1/crews"), exchange -> Mono.fromRunnable(served::incrementAndGet))
				.cache();
			request.subscribe();
			waiting.add(request);
		}
		first.tryEmitEmpty();
		Mono.when(waiting).block(Duration.ofSeconds(30));
		assertThat(served).hasValue(5_000);
		assertThat(admission.inFlight("crew-service")).isZero();
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

	private static GatewayFilterChain recording(List<String> started, String name, Mono<Void> then) {
		return exchange -> Mono.fromRunnable(() -> started.add(name)).then(then);
	}

}
