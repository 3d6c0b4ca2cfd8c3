package crewship.platform.ratelimit;

import java.time.Duration;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.caffeine.Bucket4jCaffeine;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ExpiredEntriesCleaner;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
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
 * Where token buckets live. Bucket4j does the arithmetic and the storage: in this
 * replica's memory (Caffeine), in Redis, where every replica updates the same bucket with
 * an atomic compare-and-swap script, or in a PostgreSQL table, where each take is a
 * {@code SELECT … FOR UPDATE} of the bucket's row — so N replicas still allow the limit
 * once, not N times. The stores have one API, so a limit does not care which is
 * configured. The gateway (reactive) and webhook-service (blocking) both use it; each
 * declares the Bucket4j modules of the stores it uses.
 */
public final class TokenBuckets implements AutoCloseable {

	/** A bucket is dropped once it would be full again, plus this margin. */
	private static final ExpirationAfterWriteStrategy EXPIRY = ExpirationAfterWriteStrategy
		.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));

	private static final Duration RECONNECT_AFTER = Duration.ofSeconds(5);

	/** Takes one token from a bucket, creating it full when missing. */
	@FunctionalInterface
	private interface Store {

		Mono<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration);

	}

	private final Store store;

	private final String prefix;

	private final Duration timeout;

	private final AutoCloseable resources;

	private final ExpiredEntriesCleaner cleaner;

	private TokenBuckets(Store store, String prefix, Duration timeout, AutoCloseable resources,
			ExpiredEntriesCleaner cleaner) {
		this.store = store;
		this.prefix = prefix;
		this.timeout = timeout;
		this.resources = resources;
		this.cleaner = cleaner;
	}

	/** Buckets in this replica's memory (at most 100 000 keys, idle ones expire). */
	public static TokenBuckets local() {
		AsyncProxyManager<String> buckets = Bucket4jCaffeine
			.<String>builderFor(Caffeine.newBuilder().maximumSize(100_000))
			.expirationAfterWrite(EXPIRY)
			.build()
			.asAsync();
		return new TokenBuckets(async(Mono.just(buckets)), "", Duration.ofSeconds(1), () -> {
		}, null);
	}

	/**
	 * Buckets in Redis, under {@code prefix}. The connection is made on first use and,
	 * while Redis cannot be reached, tried again every few seconds, so a service starts
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
		return new TokenBuckets(async(buckets.cache(ready -> Duration.ofMillis(Long.MAX_VALUE), failed -> Duration.ZERO,
				() -> Duration.ZERO)), prefix, timeout, client::shutdown, null);
	}

	/**
	 * Buckets in a table of a PostgreSQL database every replica shares: {@code id}
	 * (varchar primary key), {@code state} (bytea), {@code expires_at} (bigint). A take
	 * locks the bucket's row for one short transaction of its own; rows of buckets that
	 * would be full again are removed by {@link #removeExpired}. Blocking: for servlet
	 * services, whose request thread runs it.
	 */
	public static TokenBuckets postgres(DataSource dataSource, String table, String prefix) {
		PostgresStore store = new PostgresStore(dataSource, table);
		// the timeout cannot interrupt a blocking take; the data source's own timeouts
		// bound it
		return new TokenBuckets(store, prefix, Duration.ofSeconds(5), () -> {
		}, store);
	}

	/**
	 * The table store in a class of its own, loaded only when used: a service without
	 * Bucket4j's PostgreSQL module (the gateway) can still introspect this class.
	 */
	private static final class PostgresStore implements Store, ExpiredEntriesCleaner {

		private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;

		PostgresStore(DataSource dataSource, String table) {
			this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
				.primaryKeyMapper(PrimaryKeyMapper.STRING)
				.table(table)
				.idColumn("id")
				.stateColumn("state")
				.expiresAtColumn("expires_at")
				.expirationAfterWrite(EXPIRY)
				.build();
		}

		@Override
		public Mono<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration) {
			return Mono
				.fromCallable(() -> this.buckets.builder().build(key, configuration).tryConsumeAndReturnRemaining(1));
		}

		@Override
		public int removeExpired(int batchSize) {
			return this.buckets.removeExpired(batchSize);
		}

	}

	private static Store async(Mono<AsyncProxyManager<String>> buckets) {
		return (key, configuration) -> buckets.flatMap(ready -> Mono
			.fromCompletionStage(() -> ready.builder().build(key, configuration).tryConsumeAndReturnRemaining(1)));
	}

	/**
	 * Takes one token from the bucket {@code key}, creating it full with
	 * {@code configuration} when it does not exist.
	 * @return whether it was taken, what remains and how long until the next token; an
	 * error when the store cannot answer within the timeout
	 */
	public Mono<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration) {
		return this.store.tryConsume(this.prefix + key, configuration).timeout(this.timeout);
	}

	/**
	 * Removes up to {@code batch} buckets that would be full again (a table store only;
	 * Redis and memory expire them by themselves). Safe on every replica at once: rows
	 * are claimed with {@code SKIP LOCKED}. @return how many were removed
	 */
	public int removeExpired(int batch) {
		return (this.cleaner != null) ? this.cleaner.removeExpired(batch) : 0;
	}

	@Override
	public void close() throws Exception {
		this.resources.close();
	}

}
