package crewship.mission.engine;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import crewship.mission.runs.Run;

/**
 * One run executing on this replica: its thread, and why (if at all) it was stopped. A
 * stop interrupts the thread once; after {@link #done()} nothing interrupts it any more.
 */
final class Execution {

	/** Why the engine interrupts a run. */
	enum Stop {

		/** Cancelled in the database (stop, cancel): recorded as CANCELLED. */
		CANCELLED,
		/** Ran past its timeout: recorded as TIMEOUT. */
		TIMEOUT,
		/** Another replica recovered it: nothing is recorded here. */
		LEASE_LOST,
		/** This replica stops: the run is handed back as PENDING. */
		SHUTDOWN,
		/** This replica dies (tests): nothing is recorded, the lease expires. */
		KILLED

	}

	private final Run run;

	private Thread thread;

	private Stop stopReason;

	private String stopDetail;

	private boolean done;

	private ScheduledFuture<?> timeout;

	private volatile LiveLog.Sink sink;

	/** The run's span (the trace that asked for it), or null. */
	private final io.micrometer.tracing.Span span;

	Execution(Run run, io.micrometer.tracing.Span span) {
		this.run = run;
		this.span = span;
	}

	Run run() {
		return this.run;
	}

	io.micrometer.tracing.Span span() {
		return this.span;
	}

	synchronized void bind(Thread thread) {
		this.thread = thread;
		if (this.stopReason != null) {
			thread.interrupt();
		}
	}

	void attach(LiveLog.Sink sink) {
		this.sink = sink;
	}

	/** Sends buffered output that has waited long enough. */
	void flushDue() {
		LiveLog.Sink current = this.sink;
		if (current != null) {
			current.flushDue();
		}
	}

	synchronized void timeoutAfter(ScheduledExecutorService scheduler, Duration after) {
		this.timeout = scheduler.schedule(
				() -> stop(Stop.TIMEOUT, "Timed out after " + after.toSeconds() + " s (the agent's timeout)"),
				after.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Interrupts the run for this reason, unless it already ended or was stopped. */
	synchronized void stop(Stop reason, String detail) {
		if (this.done || this.stopReason != null) {
			return;
		}
		this.stopReason = reason;
		this.stopDetail = detail;
		if (this.thread != null) {
			this.thread.interrupt();
		}
	}

	synchronized void done() {
		this.done = true;
		if (this.timeout != null) {
			this.timeout.cancel(false);
		}
	}

	synchronized boolean isDone() {
		return this.done;
	}

	synchronized Stop stopReason() {
		return this.stopReason;
	}

	synchronized String stopDetail() {
		return this.stopDetail;
	}

}
