package crewship.mission.engine;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

/**
 * How many runs of this replica may use the database at once. Runs are virtual threads —
 * hundreds at a time — and each touches the database at its start, for its stored log
 * lines and at its end; unbounded, they would take every pooled connection and leave the
 * API, the consumers and the claimer waiting out the pool's timeout. Waiting here costs a
 * parked virtual thread, not a connection.
 */
@Component
public class DatabaseGate {

	private final Semaphore permits;

	DatabaseGate(EngineProperties properties) {
		this.permits = new Semaphore(Math.max(1, properties.maxDatabaseConcurrency()), true);
	}

	/** Runs {@code work} once a permit is free; interrupts still end the wait. */
	public <T> T call(Supplier<T> work) throws InterruptedException {
		this.permits.acquire();
		try {
			return work.get();
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
		try {
			return work.get();
		}
		finally {
			this.permits.release();
		}
	}

}
