package crewship.gateway.ratelimit;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import crewship.platform.ratelimit.TokenBuckets;
import crewship.gateway.edge.EdgeIdentityFilter;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the limits do when their Redis does not answer: the general limit lets requests
 * through, the sign-in limit keeps counting in this replica.
 */
class RateLimitFilterTests {

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void withRedisDownTheGeneralLimitFailsOpenAndSignInCountsLocally() throws Exception {
		RateLimitProperties properties = new RateLimitProperties(true, "redis://127.0.0.1:" + deadPort(), "t:",
				Duration.ofMillis(300), Duration.ofMinutes(1), 2, 2, 2, List.of("/api/v1/auth/**"), 2,
				List.of("/api/v1/credentials/test"), 2, List.of("/api/v1/credentials/*/reveal"),
				List.of("/api/health"));
		try (TokenBuckets redis = TokenBuckets.redis(properties.redisUrl(), "t:", properties.redisTimeout())) {
			RateLimitFilter filter = new RateLimitFilter(properties, redis, TokenBuckets.local(),
					new ClientAddress(List.of()), this.meters);
			for (int i = 0; i < 5; i++) {
				assertThat(status(filter, "/api/v1/crews", IdentityAssertion.anonymous())).isEqualTo(200);
				assertThat(status(filter, "/api/v1/crews", user("u1"))).isEqualTo(200);
			}
			assertThat(status(filter, "/api/v1/auth/sessions", user("u1"))).isEqualTo(200);
			assertThat(status(filter, "/api/v1/auth/sessions", user("u2"))).isEqualTo(200);
			assertThat(status(filter, "/api/v1/auth/sessions", user("u3"))).as("same address, local bucket")
				.isEqualTo(429);
			assertThat(this.meters.counter("crewship.gateway.ratelimit.store.failures", "limit", "ip").count())
				.isEqualTo(5);
			assertThat(status(filter, "/api/v1/credentials/c1/reveal", user("u1"))).isEqualTo(200);
			assertThat(status(filter, "/api/v1/credentials/c2/reveal", user("u2"))).isEqualTo(200);
			assertThat(status(filter, "/api/v1/credentials/c1/reveal", user("u3")))
				.as("the reveal brake holds without Redis too")
				.isEqualTo(429);
		}
	}

	@Test
	void inMemoryLimitsAndUnlimitedCallers() {
		RateLimitProperties properties = new RateLimitProperties(true, null, "t:", Duration.ofMillis(300),
				Duration.ofMinutes(1), 2, 1, 1, List.of("/api/v1/auth/**"), 60, List.of("/api/v1/credentials/test"), 3,
				List.of("/api/v1/credentials/*/reveal"), List.of("/api/health"));
		TokenBuckets local = TokenBuckets.local();
		RateLimitFilter filter = new RateLimitFilter(properties, local, local, new ClientAddress(List.of()),
				this.meters);
		assertThat(status(filter, "/api/v1/crews", IdentityAssertion.anonymous())).isEqualTo(200);
		assertThat(status(filter, "/api/v1/crews", IdentityAssertion.anonymous())).isEqualTo(429);
		assertThat(status(filter, "/api/health", IdentityAssertion.anonymous())).isEqualTo(200);
		IdentityAssertion internal = new IdentityAssertion("internal", AuthMethod.INTERNAL, null, null);
		for (int i = 0; i < 5; i++) {
			assertThat(status(filter, "/api/v1/internal/crews", internal)).as("the internal listener").isEqualTo(200);
		}
		assertThat(status(filter, "/api/v1/crews", user("u1"))).isEqualTo(200);
		assertThat(status(filter, "/api/v1/crews", user("u1"))).isEqualTo(200);
		assertThat(status(filter, "/api/v1/crews", user("u1"))).isEqualTo(429);
		// every verified delivery has the subject "webhook": webhook-service limits them
		// per
		// target, so two senders never share one edge bucket
		IdentityAssertion delivery = new IdentityAssertion("webhook", AuthMethod.WEBHOOK, null, "webhook.pipeline:abc");
		for (int i = 0; i < 5; i++) {
			assertThat(status(filter, "/api/v1/webhooks/tok", delivery)).as("a verified webhook delivery")
				.isEqualTo(200);
		}
	}

	@Test
	void revealAndTestHaveTheirOwnPerAddressBucketsThatNoCallerEscapes() {
		RateLimitProperties properties = new RateLimitProperties(true, null, "t:", Duration.ofMillis(300),
				Duration.ofMinutes(1), 100, 100, 10, List.of("/api/v1/auth/**"), 2,
				List.of("/api/v1/credentials/test", "/api/v1/credentials/*/test"), 3,
				List.of("/api/v1/credentials/*/reveal"), List.of("/api/health"));
		TokenBuckets local = TokenBuckets.local();
		RateLimitFilter filter = new RateLimitFilter(properties, local, local, new ClientAddress(List.of()),
				this.meters);
		// three reveals from one address, by different CLI users: the bucket is the
		// address's, not the user's, and CLI callers are not exempt
		assertThat(status(filter, "/api/v1/credentials/c1/reveal", user("r1"))).isEqualTo(200);
		assertThat(status(filter, "/api/v1/credentials/c2/reveal", user("r2"))).isEqualTo(200);
		assertThat(status(filter, "/api/v1/credentials/c3/reveal", IdentityAssertion.anonymous())).isEqualTo(200);
		MockServerWebExchange refused = exchange("/api/v1/credentials/c1/reveal", "203.0.113.1", user("r3"));
		assertThat(run(filter, refused)).isFalse();
		assertThat(refused.getResponse().getStatusCode().value()).isEqualTo(429);
		assertThat(refused.getResponse().getHeaders().getContentType()).hasToString("application/problem+json");
		assertThat(Long.parseLong(refused.getResponse().getHeaders().getFirst("Retry-After"))).isPositive();
		assertThat(refused.getResponse().getBodyAsString().block()).contains("credential-reveal");
		assertThat(run(filter, exchange("/api/v1/credentials/c1/reveal", "203.0.113.2", user("r3"))))
			.as("another address has its own bucket")
			.isTrue();
		// the test routes count separately from reveal and from each other's paths alike
		assertThat(status(filter, "/api/v1/credentials/test", user("r1"))).isEqualTo(200);
		assertThat(status(filter, "/api/v1/credentials/c1/test", user("r1"))).isEqualTo(200);
		assertThat(status(filter, "/api/v1/credentials/test", user("r1"))).isEqualTo(429);
		assertThat(status(filter, "/api/v1/credentials", user("r1"))).as("the rest of the API is not braked")
			.isEqualTo(200);
	}

	private static int status(RateLimitFilter filter, String path, IdentityAssertion identity) {
		MockServerWebExchange exchange = exchange(path, "203.0.113.1", identity);
		return run(filter, exchange) ? 200 : exchange.getResponse().getStatusCode().value();
	}

	private static MockServerWebExchange exchange(String path, String client, IdentityAssertion identity) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post(path).remoteAddress(new java.net.InetSocketAddress(client, 1)));
		exchange.getAttributes().put(EdgeIdentityFilter.IDENTITY, identity);
		return exchange;
	}

	/**
	 * @return whether the request was let through
	 */
	private static boolean run(RateLimitFilter filter, MockServerWebExchange exchange) {
		AtomicInteger passed = new AtomicInteger();
		filter.filter(exchange, next -> {
			passed.incrementAndGet();
			return Mono.empty();
		}).block(Duration.ofSeconds(5));
		return passed.get() == 1;
	}

	private static IdentityAssertion user(String id) {
		return new IdentityAssertion(id, AuthMethod.CLI, "t-" + id, null);
	}

	private static int deadPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
