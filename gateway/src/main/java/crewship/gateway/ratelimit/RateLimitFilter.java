package crewship.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import crewship.platform.ratelimit.TokenBuckets;
import crewship.gateway.edge.EdgeIdentityFilter;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.reactive.ReactiveProblems;

/**
 * The gateway's rate limits, applied once the edge filter has decided who is calling:
 * <ul>
 * <li>the sign-in paths ({@code POST /api/auth/callback/credentials},
 * {@code /api/v1/auth/**}) per client address, whoever calls: brute force from one
 * address is slowed here, before auth-service's per-account lockout;</li>
 * <li>the credential test routes (60/min) and the reveal route (3/min) per client
 * address, as credentials.mdx says: their own buckets, on top of the general one, and no
 * caller is exempt (a CLI token counts like a session);</li>
 * <li>everything else per user when authenticated (by any of their credentials), per
 * client address when anonymous.</li>
 * </ul>
 * A refused request is a 429 problem with {@code Retry-After}; every limited answer says
 * where the caller stands ({@code RateLimit-*}, {@code X-RateLimit-*}). The internal
 * listener (sidecars, services) and the probes are not limited.
 *
 * <p>
 * When the shared store (Redis) cannot answer, the general limit fails <b>open</b>:
 * refusing every caller because a counter is unreachable would turn a Redis outage into
 * an outage of the suite. The sign-in limit instead falls back to this replica's own
 * buckets: refusing all sign-ins would lock everyone out, allowing all would lift the
 * brute-force brake, and a per-replica count keeps the brake (at most replicas × the
 * limit) while people can still sign in. The credential buckets do the same, for the same
 * reason: they brake probing and exfiltration of secrets. Both count
 * {@code crewship.gateway.ratelimit.store.failures} and log.
 */
public class RateLimitFilter implements WebFilter, Ordered {

	private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

	private static final Duration LOG_EVERY = Duration.ofMinutes(1);

	private final RateLimitProperties properties;

	private final TokenBuckets store;

	private final TokenBuckets local;

	private final ClientAddress clients;

	private final MeterRegistry meters;

	private final List<RouteLimit> routeLimits;

	private final List<PathPattern> exemptPaths;

	private final Limit perIdentity;

	private final Limit perIp;

	private final AtomicLong lastFailureLogged = new AtomicLong();

	/**
	 * @param store where the buckets live (Redis when configured)
	 * @param local this replica's buckets, the sign-in limit's fallback (may be
	 * {@code store} itself)
	 */
	public RateLimitFilter(RateLimitProperties properties, TokenBuckets store, TokenBuckets local,
			ClientAddress clients, MeterRegistry meters) {
		this.properties = properties;
		this.store = store;
		this.local = local;
		this.clients = clients;
		this.meters = meters;
		this.exemptPaths = parse(properties.exemptPaths());
		this.perIdentity = new Limit("identity", properties.perIdentity(), properties.period(), false);
		this.perIp = new Limit("ip", properties.perIp(), properties.period(), false);
		this.routeLimits = List.of(
				new RouteLimit(new Limit("auth", properties.authPerIp(), properties.period(), true),
						parse(properties.authPaths())),
				new RouteLimit(
						new Limit("credential-test", properties.credentialTestPerIp(), properties.period(), true),
						parse(properties.credentialTestPaths())),
				new RouteLimit(
						new Limit("credential-reveal", properties.credentialRevealPerIp(), properties.period(), true),
						parse(properties.credentialRevealPaths())));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 20; // after EdgeIdentityFilter
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		IdentityAssertion identity = EdgeIdentityFilter.identity(exchange).orElse(null);
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		// A verified webhook delivery is limited per target by webhook-service (shared by
		// its replicas): here every delivery of every target would share the one
		// "webhook" subject's bucket.
		if (!this.properties.enabled() || identity == null || identity.method() == AuthMethod.INTERNAL
				|| identity.method() == AuthMethod.WEBHOOK || matches(this.exemptPaths, path)) {
			return chain.filter(exchange);
		}
		String client = this.clients.of(exchange.getRequest());
		Mono<Verdict> general = identity.isAuthenticated() ? take(this.perIdentity, "user:" + identity.subject())
				: take(this.perIp, "ip:" + client);
		RouteLimit route = this.routeLimits.stream()
			.filter(candidate -> matches(candidate.paths(), path))
			.findFirst()
			.orElse(null);
		// the route's own bucket first: a refused request does not use up the general one
		Mono<Verdict> verdict = (route != null) ? take(route.limit(), route.limit().name() + ":" + client)
			.flatMap(own -> own.allowed() ? general.map(own::tighter) : Mono.just(own)) : general;
		return verdict.flatMap(decided -> {
			decided.describe(exchange.getResponse().getHeaders());
			if (decided.allowed()) {
				return chain.filter(exchange);
			}
			this.meters.counter("crewship.gateway.ratelimit.rejected", "limit", decided.limit().name()).increment();
			exchange.getResponse()
				.getHeaders()
				.set(HttpHeaders.RETRY_AFTER, Long.toString(decided.retryAfterSeconds()));
			return ReactiveProblems.write(exchange, HttpStatus.TOO_MANY_REQUESTS,
					"Rate limit of " + decided.limit().capacity() + " requests per "
							+ decided.limit().period().toSeconds() + " s exceeded (" + decided.limit().name()
							+ "); retry after " + decided.retryAfterSeconds() + " s");
		});
	}

	private Mono<Verdict> take(Limit limit, String key) {
		return this.store.tryConsume(key, limit.configuration())
			.map(probe -> new Verdict(limit, probe))
			.onErrorResume(ex -> {
				failed(limit, ex);
				return (limit.localWhenStoreFails() && this.local != this.store)
						? this.local.tryConsume(key, limit.configuration()).map(probe -> new Verdict(limit, probe))
						: Mono.just(new Verdict(limit, null));
			});
	}

	private void failed(Limit limit, Throwable ex) {
		this.meters.counter("crewship.gateway.ratelimit.store.failures", "limit", limit.name()).increment();
		long now = System.nanoTime();
		long last = this.lastFailureLogged.get();
		if ((last == 0 || now - last > LOG_EVERY.toNanos()) && this.lastFailureLogged.compareAndSet(last, now)) {
			log.warn("Rate-limit store unavailable ({}); the general limit is open and the sign-in limit counts per "
					+ "replica until it answers", ex.toString());
		}
	}

	private static List<PathPattern> parse(List<String> patterns) {
		return patterns.stream().map(PathPatternParser.defaultInstance::parse).toList();
	}

	private static boolean matches(List<PathPattern> patterns, PathContainer path) {
		return patterns.stream().anyMatch(pattern -> pattern.matches(path));
	}

	/** A per-address limit of its own on some paths, whoever calls. */
	record RouteLimit(Limit limit, List<PathPattern> paths) {
	}

	/**
	 * One limit: {@code capacity} requests, refilled {@code capacity} per {@code period}.
	 */
	record Limit(String name, long capacity, Duration period, boolean localWhenStoreFails) {

		BucketConfiguration configuration() {
			return BucketConfiguration.builder()
				.addLimit(limit -> limit.capacity(this.capacity).refillGreedy(this.capacity, this.period))
				.build();
		}

	}

	/**
	 * A limit's answer for one request; {@code probe} null when no store could answer
	 * (allowed).
	 */
	record Verdict(Limit limit, ConsumptionProbe probe) {

		boolean allowed() {
			return this.probe == null || this.probe.isConsumed();
		}

		long remaining() {
			return (this.probe != null) ? this.probe.getRemainingTokens() : this.limit.capacity();
		}

		long retryAfterSeconds() {
			return Math.max(1, seconds(this.probe.getNanosToWaitForRefill()));
		}

		/** The verdict that leaves the caller less room, for the response headers. */
		Verdict tighter(Verdict other) {
			return (other.remaining() * this.limit.capacity() < this.remaining() * other.limit.capacity()) ? other
					: this;
		}

		void describe(HttpHeaders headers) {
			if (this.probe == null) {
				return;
			}
			String limit = Long.toString(this.limit.capacity());
			String remaining = Long.toString(Math.max(0, this.remaining()));
			String reset = Long.toString(seconds(this.probe.getNanosToWaitForReset()));
			headers.set("RateLimit-Limit", limit);
			headers.set("RateLimit-Remaining", remaining);
			headers.set("RateLimit-Reset", reset);
			headers.set("X-RateLimit-Limit", limit);
			headers.set("X-RateLimit-Remaining", remaining);
			headers.set("X-RateLimit-Reset", reset);
		}

		private static long seconds(long nanos) {
			return (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
		}

	}

}
