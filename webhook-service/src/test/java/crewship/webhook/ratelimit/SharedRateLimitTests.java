package crewship.webhook.ratelimit;

import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import io.github.bucket4j.BucketConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.platform.ratelimit.TokenBuckets;
import crewship.platform.testing.ServiceTest;
import crewship.platform.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The per-target limits hold across replicas in both stores: two bucket clients — two
 * replicas — against one PostgreSQL table, and against one Redis (127.0.0.1:6379, as in
 * CI), draw on one budget.
 */
@ServiceTest
class SharedRateLimitTests {

	static final String REDIS_URL = System.getenv().getOrDefault("CREWSHIP_TEST_REDIS_URL", "redis://127.0.0.1:6379");

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void twoReplicasShareOneBudgetInPostgreSQL() throws Exception {
		try (TokenBuckets replicaA = TokenBuckets.postgres(this.dataSource, "rate_limit_bucket", "");
				TokenBuckets replicaB = TokenBuckets.postgres(this.dataSource, "rate_limit_bucket", "")) {
			assertOneBudget(replicaA, replicaB);
		}
	}

	@Test
	void twoReplicasShareOneBudgetInRedis() throws Exception {
		String prefix = "crewship:webhook:test:" + UUID.randomUUID() + ":";
		try (TokenBuckets replicaA = TokenBuckets.redis(REDIS_URL, prefix, Duration.ofSeconds(5));
				TokenBuckets replicaB = TokenBuckets.redis(REDIS_URL, prefix, Duration.ofSeconds(5))) {
			connected(replicaA);
			connected(replicaB);
			assertOneBudget(replicaA, replicaB);
		}
	}

	/**
	 * The first command of a client connects it (Netty's start on a busy machine can
	 * outlast a timeout): wait until each one answers.
	 */
	private static void connected(TokenBuckets buckets) throws InterruptedException {
		BucketConfiguration any = BucketConfiguration.builder()
			.addLimit(limit -> limit.capacity(1).refillGreedy(1, Duration.ofMinutes(1)))
			.build();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			try {
				buckets.tryConsume("warm-up:" + UUID.randomUUID(), any).block();
				return;
			}
			catch (RuntimeException ex) {
				assertThat(System.nanoTime()).as("Redis answers: " + ex).isLessThan(deadline);
				Thread.sleep(500);
			}
		}
	}

	private static void assertOneBudget(TokenBuckets replicaA, TokenBuckets replicaB) {
		String key = "pipeline:" + UUID.randomUUID();
		BucketConfiguration threePerMinute = BucketConfiguration.builder()
			.addLimit(limit -> limit.capacity(3).refillGreedy(3, Duration.ofMinutes(1)))
			.build();
		assertThat(replicaA.tryConsume(key, threePerMinute).block().isConsumed()).isTrue();
		assertThat(replicaB.tryConsume(key, threePerMinute).block().isConsumed()).isTrue();
		assertThat(replicaA.tryConsume(key, threePerMinute).block().isConsumed()).isTrue();
		var refused = replicaB.tryConsume(key, threePerMinute).block();
		assertThat(refused.isConsumed()).as("the other replica sees the budget spent").isFalse();
		assertThat(refused.getNanosToWaitForRefill()).isBetween(1L, Duration.ofMinutes(1).toNanos());
		assertThat(replicaA.tryConsume("pipeline:" + UUID.randomUUID(), threePerMinute).block().isConsumed())
			.as("another target, another budget")
			.isTrue();
	}

	@Test
	void theAgentLimitIs429WithRetryAfterAndThePipelineFloorAppliesToZeroOrNegativeRates() {
		RateLimitProperties properties = new RateLimitProperties(true, 2, 600, null, "", Duration.ofMillis(500));
		TargetRateLimits limits = new TargetRateLimits(
				TokenBuckets.postgres(this.dataSource, "rate_limit_bucket", "t:"), properties);
		String agent = UUID.randomUUID().toString();
		limits.takeForAgent(agent);
		limits.takeForAgent(agent);
		assertThatThrownBy(() -> limits.takeForAgent(agent)).isInstanceOfSatisfying(ProblemException.class, ex -> {
			assertThat(ex.getStatusCode().value()).isEqualTo(429);
			assertThat(Integer.parseInt(ex.getHeaders().getFirst("Retry-After"))).isBetween(1, 60);
		});
		limits.takeForAgent(UUID.randomUUID().toString());

		assertThat(limits.effectivePerMinute(0)).isEqualTo(600);
		assertThat(limits.effectivePerMinute(-5)).isEqualTo(600);
		assertThat(limits.effectivePerMinute(120)).isEqualTo(120);
		// a zero-rate webhook really gets the floor: a burst of 600, then 429 (the bucket
		// refills 10 a second meanwhile, so a few more may pass before it runs dry)
		String pipeline = UUID.randomUUID().toString();
		for (int i = 0; i < 600; i++) {
			limits.takeForPipeline(pipeline, 0);
		}
		assertThatThrownBy(() -> {
			for (int i = 0; i < 600; i++) {
				limits.takeForPipeline(pipeline, 0);
			}
		}).isInstanceOf(ProblemException.class);

		RateLimitProperties off = new RateLimitProperties(false, 1, 600, null, "", Duration.ofMillis(500));
		TargetRateLimits disabled = new TargetRateLimits(
				TokenBuckets.postgres(this.dataSource, "rate_limit_bucket", "off:"), off);
		for (int i = 0; i < 5; i++) {
			disabled.takeForAgent(agent);
		}
	}

	@Test
	void aRedisThatDoesNotAnswerLetsDeliveriesThrough() throws Exception {
		RateLimitProperties properties = new RateLimitProperties(true, 1, 600, "redis://127.0.0.1:1", "",
				Duration.ofMillis(300));
		try (TokenBuckets unreachable = TokenBuckets.redis(properties.redisUrl(), "", properties.redisTimeout())) {
			TargetRateLimits limits = new TargetRateLimits(unreachable, properties);
			for (int i = 0; i < 3; i++) {
				limits.takeForAgent("a1");
			}
		}
	}

	@Test
	void bucketsThatWouldBeFullAgainArePurged() {
		this.jdbc.update("insert into rate_limit_bucket (id, state, expires_at) values (?, null, ?)",
				"stale:" + UUID.randomUUID(), System.currentTimeMillis() - 60_000);
		TargetRateLimits limits = new TargetRateLimits(TokenBuckets.postgres(this.dataSource, "rate_limit_bucket", ""),
				new RateLimitProperties(true, 60, 600, null, "", Duration.ofMillis(500)));
		limits.purgeExpired();
		assertThat(this.jdbc.queryForObject("select count(*) from rate_limit_bucket where expires_at < ?",
				Integer.class, System.currentTimeMillis() - 1000))
			.isZero();
	}

}
