package crewship.webhook.ratelimit;

import java.time.Duration;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;

import crewship.platform.ratelimit.TokenBuckets;
import crewship.platform.web.ProblemException;

/**
 * Per-target limits on verified deliveries: one token bucket per agent and per pipeline
 * webhook, {@code n} deliveries per minute with bursts of {@code n}, in a store every
 * replica shares (Redis, else this service's PostgreSQL). A refused delivery is a 429
 * with {@code Retry-After}. When the store does not answer, the delivery goes through:
 * the limit protects the run executor, it never decides whether a delivery is valid.
 */
public class TargetRateLimits {

	private static final Logger log = LoggerFactory.getLogger(TargetRateLimits.class);

	private static final Duration PERIOD = Duration.ofMinutes(1);

	private final TokenBuckets buckets;

	private final RateLimitProperties properties;

	public TargetRateLimits(TokenBuckets buckets, RateLimitProperties properties) {
		this.buckets = buckets;
		this.properties = properties;
	}

	/** Takes one delivery from the agent's budget. */
	public void takeForAgent(String agentId) {
		take("agent:" + agentId, this.properties.perAgentPerMinute(), "agent");
	}

	/**
	 * Takes one delivery from the pipeline webhook's budget.
	 * @param configured its {@code rate_limit_per_min}; zero or negative means the floor
	 */
	public void takeForPipeline(String webhookId, int configured) {
		take("pipeline:" + webhookId, effectivePerMinute(configured), "webhook token");
	}

	/** The page's rule: a zero or negative rate uses the server floor. */
	public int effectivePerMinute(int configured) {
		return (configured > 0) ? configured : this.properties.pipelineFloorPerMinute();
	}

	private void take(String target, int perMinute, String what) {
		if (!this.properties.enabled()) {
			return;
		}
		// the rate is part of the key: a changed limit starts a bucket of its own instead
		// of inheriting one configured for another rate
		String key = target + ":" + perMinute;
		ConsumptionProbe probe;
		try {
			probe = this.buckets.tryConsume(key, configuration(perMinute)).block();
		}
		catch (RuntimeException ex) {
			log.warn("Rate limit store did not answer for {}; letting the delivery through: {}", target, ex.toString());
			return;
		}
		if (probe != null && !probe.isConsumed()) {
			Duration wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
			// round up: a sender that waits exactly Retry-After finds a token
			Duration retryAfter = Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000));
			throw ProblemException.tooManyRequests("Rate limit of " + perMinute + " deliveries per minute for this "
					+ what + " exceeded; retry after " + retryAfter.toSeconds() + " s", retryAfter);
		}
	}

	private static BucketConfiguration configuration(int perMinute) {
		return BucketConfiguration.builder()
			.addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, PERIOD))
			.build();
	}

	/**
	 * Drops buckets that would be full again (the table store; Redis expires its own).
	 */
	@Scheduled(initialDelayString = "${crewship.webhook.rate-limits.purge-interval:1m}",
			fixedDelayString = "${crewship.webhook.rate-limits.purge-interval:1m}")
	public void purgeExpired() {
		try {
			int removed;
			do {
				removed = this.buckets.removeExpired(1000);
			}
			while (removed == 1000);
		}
		catch (RuntimeException ex) {
			log.debug("Rate limit bucket purge failed; the next run retries: {}", ex.toString());
		}
	}

}
