package crewship.gateway.edge;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * One service's admission on this gateway replica: at most {@code limit} requests in
 * flight, then up to {@code queueLimit} waiting in arrival order for a permit, each for
 * at most {@code maxWait}.
 * <p>
 * Written here because nothing off the shelf waits without blocking: Resilience4j's
 * semaphore bulkhead waits by parking the calling thread, which on the gateway is a Netty
 * event loop. A waiter here is a {@link Sinks.Empty}: the request that frees a permit
 * hands it to the longest waiter still waiting, which then goes on.
 */
final class ServicePermits {

	private final int limit;

	private final int queueLimit;

	private final Duration maxWait;

	private int inFlight; // guarded by this

	private final ArrayDeque<Waiter> waiting = new ArrayDeque<>(); // guarded by this

	ServicePermits(int limit, int queueLimit, Duration maxWait) {
		this.limit = limit;
		this.queueLimit = queueLimit;
		this.maxWait = maxWait;
	}

	/**
	 * Completes with a permit once this request holds one, which it must
	 * {@link Permit#release()} when it ends; fails with {@link Refused} when the queue is
	 * full or the wait ran out. Cancelled while waiting, it leaves the queue (or gives
	 * back the permit it was just handed).
	 */
	Mono<Permit> acquire() {
		Waiter waiter;
		synchronized (this) {
			if (this.inFlight < this.limit && this.waiting.isEmpty()) {
				this.inFlight++;
				return Mono.just(new Permit());
			}
			if (this.waiting.size() >= this.queueLimit) {
				return Mono.error(new Refused("queue full"));
			}
			waiter = new Waiter(new Permit());
			this.waiting.add(waiter);
		}
		Mono<Permit> granted = waiter.granted.asMono().thenReturn(waiter.permit);
		return granted
			// a released permit starts the next request on its own thread: the request
			// that released it may be finishing on a stack that would otherwise grow
			// with the queue
			.publishOn(Schedulers.parallel())
			.timeout(this.maxWait,
					Mono.defer(() -> abandon(waiter) ? Mono.error(new Refused("waited too long")) : granted))
			// A cancel can race the grant's delivery, so the request may also end up
			// releasing this permit (Permit gives it back once); and it can race the
			// timeout, whose abandonment leaves no permit to give back.
			.doOnCancel(() -> {
				if (!abandon(waiter) && waiter.state.get() == Waiter.GRANTED) {
					waiter.permit.release();
				}
			});
	}

	/** A permit came back: it goes to the longest waiter, else back to the pool. */
	private void giveBack() {
		Waiter next;
		synchronized (this) {
			next = this.waiting.poll();
			while (next != null && !next.state.compareAndSet(Waiter.WAITING, Waiter.GRANTED)) {
				next = this.waiting.poll();
			}
			if (next == null) {
				this.inFlight--;
			}
		}
		if (next != null) {
			next.granted.tryEmitEmpty();
		}
	}

	/** Whether the waiter gave up before it was handed a permit (it then holds none). */
	private boolean abandon(Waiter waiter) {
		if (!waiter.state.compareAndSet(Waiter.WAITING, Waiter.ABANDONED)) {
			return false;
		}
		synchronized (this) {
			this.waiting.remove(waiter);
		}
		return true;
	}

	synchronized int inFlight() {
		return this.inFlight;
	}

	synchronized int queued() {
		return this.waiting.size();
	}

	/**
	 * One request's permit. Given back once, however many of the request's ends ask: a
	 * cancelled request may be both the waiter that was just handed it and the request
	 * that had already started with it.
	 */
	final class Permit {

		private final AtomicBoolean held = new AtomicBoolean(true);

		void release() {
			if (this.held.compareAndSet(true, false)) {
				giveBack();
			}
		}

	}

	private static final class Waiter {

		static final int WAITING = 0;

		static final int GRANTED = 1;

		static final int ABANDONED = 2;

		final AtomicInteger state = new AtomicInteger(WAITING);

		final Sinks.Empty<Void> granted = Sinks.empty();

		final Permit permit;

		Waiter(Permit permit) {
			this.permit = permit;
		}

	}

	/** Not admitted: the queue was full or the wait for a permit ran out. */
	static final class Refused extends RuntimeException {

		Refused(String reason) {
			super(reason, null, false, false); // an expected outcome under load: no stack
		}

	}

}
