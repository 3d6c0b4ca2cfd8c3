package crewship.mission.engine;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run's database work that finds no pooled connection waits for one instead of failing
 * the run (RunEngineBench saw "Failed to obtain JDBC Connection" fail runs of a burst);
 * any other failure still ends the work at once.
 */
class DatabaseGateTests {

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(EngineProperties.class)
	@Import(DatabaseGate.class)
	static class GateOnly {

	}

	@Test
	void springBuildsTheGateFromTheEngineSettings() {
		// with a second constructor for tests, Spring looked for a default one and
		// mission-service did not start
		new ApplicationContextRunner().withUserConfiguration(GateOnly.class)
			.withPropertyValues("crewship.mission.engine.max-database-concurrency=3")
			.run(context -> assertThat(context).hasNotFailed().hasSingleBean(DatabaseGate.class));
	}

	private static CannotCreateTransactionException poolTimedOut() {
		return new CannotCreateTransactionException("Could not open JDBC Connection for transaction",
				new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out"));
	}

	@Test
	void workThatFoundNoConnectionIsTriedAgainUntilItRuns() throws InterruptedException {
		DatabaseGate gate = new DatabaseGate(1, Duration.ofSeconds(5));
		AtomicInteger attempts = new AtomicInteger();

		String result = gate.call(() -> {
			if (attempts.incrementAndGet() < 3) {
				throw poolTimedOut();
			}
			return "finished";
		});

		assertThat(result).isEqualTo("finished");
		assertThat(attempts).hasValue(3);
	}

	@Test
	void theEndOfARunWaitsForAConnectionThroughInterrupts() {
		DatabaseGate gate = new DatabaseGate(1, Duration.ofSeconds(5));
		AtomicInteger attempts = new AtomicInteger();
		Thread.currentThread().interrupt();

		String result = gate.callUninterruptibly(() -> {
			if (attempts.incrementAndGet() < 3) {
				throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
						new SQLTransientConnectionException("timed out"));
			}
			return "recorded";
		});

		assertThat(result).isEqualTo("recorded");
		assertThat(attempts).hasValue(3);
		assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
	}

	@Test
	void otherFailuresAreNotTriedAgain() {
		DatabaseGate gate = new DatabaseGate(1, Duration.ofSeconds(5));
		AtomicInteger attempts = new AtomicInteger();

		assertThatThrownBy(() -> gate.call(() -> {
			attempts.incrementAndGet();
			throw new DataIntegrityViolationException("duplicate key");
		})).isInstanceOf(DataIntegrityViolationException.class);
		assertThat(attempts).hasValue(1);
	}

	@Test
	void theWaitIsBoundedByTheLease() {
		DatabaseGate gate = new DatabaseGate(1, Duration.ofMillis(300));
		AtomicInteger attempts = new AtomicInteger();
		long started = System.nanoTime();

		assertThatThrownBy(() -> gate.call(() -> {
			attempts.incrementAndGet();
			throw poolTimedOut();
		})).isInstanceOf(CannotCreateTransactionException.class);
		assertThat(attempts.get()).isBetween(2, 5);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
	}

}
