package crewship.webhook.ratelimit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import crewship.platform.ratelimit.TokenBuckets;

/**
 * The bucket store: Redis when {@code CREWSHIP_REDIS_URL} is set (as the gateway's),
 * otherwise this service's own PostgreSQL. Never per replica: webhook-service scales
 * horizontally and a per-target limit must hold across the replicas.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

	static final String TABLE = "rate_limit_bucket";

	@Bean(destroyMethod = "close")
	TokenBuckets webhookRateLimitBuckets(RateLimitProperties properties, DataSource dataSource) {
		if (properties.redis()) {
			log.info("Webhook rate limits are shared through Redis");
			return TokenBuckets.redis(properties.redisUrl(), properties.keyPrefix(), properties.redisTimeout());
		}
		log.info("Webhook rate limits are shared through PostgreSQL (set CREWSHIP_REDIS_URL to use Redis)");
		return TokenBuckets.postgres(dataSource, TABLE, "");
	}

	@Bean
	TargetRateLimits targetRateLimits(TokenBuckets webhookRateLimitBuckets, RateLimitProperties properties) {
		return new TargetRateLimits(webhookRateLimitBuckets, properties);
	}

}
