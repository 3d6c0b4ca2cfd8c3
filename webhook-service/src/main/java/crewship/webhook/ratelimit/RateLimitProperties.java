package crewship.webhook.ratelimit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The per-target limits on verified deliveries and where their buckets live.
 *
 * @param enabled {@code false} turns every limit off
 * @param perAgentPerMinute deliveries per minute (and burst) of one agent's trigger
 * @param pipelineFloorPerMinute what a pipeline webhook whose {@code rate_limit_per_min}
 * is zero or negative gets (the page's server floor)
 * @param redisUrl {@code redis://host:6379}: buckets in Redis; without it, in this
 * service's PostgreSQL — either way shared by every replica
 * @param keyPrefix prefix of the bucket keys (Redis is shared with the gateway)
 * @param redisTimeout how long a take may wait for Redis before the delivery goes through
 * unlimited
 */
@ConfigurationProperties("crewship.webhook.rate-limits")
public record RateLimitProperties(@DefaultValue("true") boolean enabled, @DefaultValue("60") int perAgentPerMinute,
		@DefaultValue("600") int pipelineFloorPerMinute, String redisUrl,
		@DefaultValue("crewship:webhook:rl:") String keyPrefix, @DefaultValue("500ms") Duration redisTimeout) {

	public boolean redis() {
		return this.redisUrl != null && !this.redisUrl.isBlank();
	}

}
