package crewship.gateway.ratelimit;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.caffeine.Bucket4jCaffeine;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Where the token buckets live. Bucket4j does the arithmetic and the storage: in this
 * replica's memory (Caffeine) or in Redis, where every replica updates the same bucket
 * with an atomic compare-and-swap script, so N replicas still allow the limit once, not N
 * times. The two stores have one API, so the limits do not care which is configured.
 */
public final class TokenBuckets implements AutoCloseable {

	/** A bucket is dropped once it would be full again, plus this margin. */
	private static final ExpirationAfterWriteStrategy EXPIRY = ExpirationAfterWriteStrategy
		.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));

	private static final Duration RECONNECT_AFTER = Duration.ofSeconds(5);

	private final Mono<AsyncProxyManager<String>> buckets;

	private final String prefix;

	private final Duration timeout;

	private final AutoCloseable resources;

	private TokenBuckets(Mono<AsyncProxyManager<String>> buckets, String prefix, Duration timeout,
			AutoCloseable resources) {
		this.buckets = buckets;
		this.prefix = prefix;
		this.timeout = timeout;
		this.resources = resources;
	}

	/** Buckets in this replica's memory (at most 100 000 keys, idle ones expire). */
	public static TokenBuckets local() {
		AsyncProxyManager<String> buckets = Bucket4jCaffeine
			.<String>builderFor(Caffeine.newBuilder().maximumSize(100_000))
			.expirationAfterWrite(EXPIRY)
			.build()
			.asAsync();
		return new TokenBuckets(Mono.just(buckets), "", Duration.ofSeconds(1), () -> {
		});
	}

	/**
	 * Buckets in Redis, under {@code prefix}. The connection is made on first use and,
	 * while Redis cannot be reached, tried again every few seconds, so the gateway starts
	 * and serves without Redis; commands fail fast instead of queueing while
	 * disconnected.
	 */
	public static TokenBuckets redis(String url, String prefix, Duration timeout) {
		RedisClient client = RedisClient.create(RedisURI.create(url));
		client.setOptions(ClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(timeout))
			.build());
		RedisCodec<String, byte[]> codec = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
		Mono<StatefulRedisConnection<String, byte[]>> connection = Mono
			.fromCompletionStage(() -> client.connectAsync(codec, RedisURI.create(url)))
			.cache(connected -> Duration.ofMillis(Long.MAX_VALUE), failed -> RECONNECT_AFTER, () -> Duration.ZERO);
		Mono<AsyncProxyManager<String>> buckets = connection.map(connected -> Bucket4jLettuce.casBasedBuilder(connected)
			.expirationAfterWrite(EXPIRY)
			.requestTimeout(timeout)
			.build()
			.asAsync());
		return new TokenBuckets(
				buckets.cache(ready -> Duration.ofMillis(Long.MAX_VALUE), failed -> Duration.ZERO, () -> Duration.ZERO),
				prefix, timeout, client::shutdown);
	}

	/**
	 * Takes one token from the bucket {@code key}, creating it full with
	 * {@code configuration} when it does not exist.
	 * @return whether it was taken, what remains and how long until the next token; an
	 * error when the store cannot answer within the timeout
	 */
	public Mono<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration) {
		return this.buckets
			.flatMap(buckets -> Mono.fromCompletionStage(
					() -> buckets.builder().build(this.prefix + key, configuration).tryConsumeAndReturnRemaining(1)))
			.timeout(this.timeout);
	}

	@Override
	public void close() throws Exception {
		this.resources.close();
	}

}
