package crewship.realtime.sessions;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;

import crewship.platform.identity.IdentityAssertion;

/**
 * One client socket on this replica: who it is, what it subscribed to, and its own
 * bounded send buffer. A frame that does not fit is dropped for this client alone (the
 * page's 64-message buffer), so a slow reader never holds up the fan-out to the others.
 */
public final class Connection {

	private final WebSocketSession session;

	private final Sinks.Many<String> outbound;

	private final Set<String> channels = ConcurrentHashMap.newKeySet();

	private final AtomicLong dropped = new AtomicLong();

	private volatile IdentityAssertion caller;

	Connection(WebSocketSession session, int sendBuffer) {
		this.session = session;
		this.outbound = Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(sendBuffer));
	}

	/** Queues a serialized frame; @return false when it was dropped (buffer full). */
	public boolean offer(String frame) {
		Sinks.EmitResult result;
		// emitters are the Kafka thread and this socket's own replies: serialize them
		synchronized (this) {
			result = this.outbound.tryEmitNext(frame);
		}
		if (result.isFailure()) {
			this.dropped.incrementAndGet();
			return false;
		}
		return true;
	}

	Flux<String> outbound() {
		return this.outbound.asFlux();
	}

	public IdentityAssertion caller() {
		return this.caller;
	}

	void authenticate(IdentityAssertion caller) {
		this.caller = caller;
	}

	Set<String> channels() {
		return this.channels;
	}

	/** Frames dropped for this client because it read too slowly. */
	public long dropped() {
		return this.dropped.get();
	}

	void close(CloseStatus status) {
		this.session.close(status).subscribe();
	}

}
