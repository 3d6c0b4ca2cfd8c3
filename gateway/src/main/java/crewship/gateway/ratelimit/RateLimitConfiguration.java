package crewship.gateway.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import crewship.platform.ratelimit.TokenBuckets;
import crewship.gateway.GatewayProperties;

/**
 * Rate limits with Bucket4j rather than Spring Cloud Gateway's RequestRateLimiter: that
 * filter exists only on proxied routes (the gateway's own endpoints would go unlimited),
 * answers 429 without a body or {@code Retry-After}, and has no in-memory store for a
 * gateway without Redis. Bucket4j gives one token-bucket API over Redis (Lettuce, atomic
 * compare-and-swap) and Caffeine, and tells how long until the next token.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

	@Bean
	TokenBuckets rateLimitBuckets(RateLimitProperties properties) {
		if (!properties.shared()) {
			log.info("Rate limits are kept per replica (set CREWSHIP_REDIS_URL to share them)");
			return TokenBuckets.local();
		}
		log.info("Rate limits are shared through Redis");
		return TokenBuckets.redis(properties.redisUrl(), properties.keyPrefix(), properties.redisTimeout());
	}

	@Bean
	RateLimitFilter rateLimitFilter(RateLimitProperties properties, TokenBuckets rateLimitBuckets,
			GatewayProperties gateway, ObjectProvider<MeterRegistry> meters) {
		if (!gateway.trustedProxies().isEmpty()) {
			log.info("Client addresses are read from X-Forwarded-For behind {}", gateway.trustedProxies());
		}
		TokenBuckets local = properties.shared() ? TokenBuckets.local() : rateLimitBuckets;
		return new RateLimitFilter(properties, rateLimitBuckets, local, new ClientAddress(gateway.trustedProxies()),
				meters.getIfAvailable(SimpleMeterRegistry::new));
	}

}
