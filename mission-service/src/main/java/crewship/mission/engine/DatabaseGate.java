package crewship.mission.engine;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * How many runs of this replica may use the database at once, and how they wait for it.
 * Runs are virtual threads — hundreds at a time — and each touches the database at its
 * start, for its stored log lines and at its end; unbounded, they would take every pooled
 * connection and leave the API, the consumers and the claimer waiting out the pool's
 * timeout. Waiting here costs a parked virtual thread, not a connection.
 * <p>
 * A run's database work that found no connection — the pool's timeout under a burst, or
 * PostgreSQL restarting — is tried again with backoff for up to the run's lease instead
 * of failing the run: nothing ran without a connection, so trying again is safe, and a
 * run that waited a little is what its user wants, not a run FAILED for our load. Past
 * the lease the run is another replica's to finish anyway. The work passed in must be one
 * transaction (or idempotent), since only the failure to start it is retried.
 */
@Component
public class DatabaseGate {

	private static final Logger log = LoggerFactory.getLogger(DatabaseGate.class);

	private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

	private final Semaphore permits;

	private final Duration connectionWait;

	// two constructors: Spring must be told which is its own, or it looks for a default
	// one
	@Autowired
	DatabaseGate(EngineProperties properties) {
		this(properties.maxDatabaseConcurrency(), properties.leaseDuration());
	}

	DatabaseGate(int permits, Duration connectionWait) {
		this.permits = new Semaphore(Math.max(1, permits), true);
		this.connectionWait = connectionWait;
	}

	/**
	 * Runs {@code work} once a permit is free, again while it finds no connection;
	 * interrupts still end the wait.
	 */
	public <T> T call(Supplier<T> work) throws InterruptedException {
		this.permits.acquire();
		try {
			return retrying(work, backoff -> TimeUnit.NANOSECONDS.sleep(backoff.toNanos()));
		}
		finally {
			this.permits.release();
		}
	}

	/**
	 * Like {@link #call} but waits through interrupts: for the writes a run must make
	 * once it was stopped (its end), re-asserting the interrupt afterwards.
	 */
	public <T> T callUninterruptibly(Supplier<T> work) {
		this.permits.acquireUninterruptibly();
		AtomicBoolean interrupted = new AtomicBoolean();
		try {
			return retrying(work, backoff -> {
				long until = System.nanoTime() + backoff.toNanos();
				for (long left = backoff.toNanos(); left > 0; left = until - System.nanoTime()) {
					try {
						TimeUnit.NANOSECONDS.sleep(left);
					}
					catch (InterruptedException stop) {
						interrupted.set(true);
					}
				}
			});
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException("An uninterruptible wait was interrupted", ex);
		}
		finally {
			this.permits.release();
			if (interrupted.get()) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** How a caller waits between tries. */
	private interface Pause {

		void sleep(Duration backoff) throws InterruptedException;

	}

	private <T> T retrying(Supplier<T> work, Pause pause) throws InterruptedException {
		long deadline = System.nanoTime() + this.connectionWait.toNanos();
		Duration backoff = FIRST_BACKOFF;
		while (true) {
			try {
				return work.get();
			}
			catch (RuntimeException ex) {
				retryOrThrow(ex, backoff, deadline);
				pause.sleep(backoff);
				backoff = longer(backoff);
			}
		}
	}

	/**
	 * Returns when {@code failed} work may be tried again after {@code backoff}; throws
	 * the failure when it is not a missing connection or the wait would end past the
	 * deadline.
	 */
	private static void retryOrThrow(RuntimeException failed, Duration backoff, long deadline) {
		if (!noConnection(failed) || System.nanoTime() + backoff.toNanos() > deadline) {
			throw failed;
		}
		log.debug("No database connection for a run's work ({}); trying again in {} ms", failed.getMessage(),
				backoff.toMillis());
	}

	private static Duration longer(Duration backoff) {
		Duration doubled = backoff.multipliedBy(2);
		return (doubled.compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : doubled;
	}

	/**
	 * Whether the work failed before it ran because no connection could be had: the
	 * pool's timeout (Hikari's {@link SQLTransientConnectionException}, also what it
	 * throws while the server is unreachable), however Spring wrapped it.
	 */
	static boolean noConnection(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLTransientConnectionException
					|| cause instanceof org.springframework.jdbc.CannotGetJdbcConnectionException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
