package crewship.platform.events;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

/**
 * The current span as a W3C {@code traceparent}, for an event written to the outbox now
 * and sent to Kafka later by the relay (whose thread has no span of the request).
 */
final class TraceParents {

	static final String HEADER = "traceparent";

	private TraceParents() {
	}

	static Supplier<String> of(Tracer tracer, Propagator propagator) {
		return () -> {
			Span span = tracer.currentSpan();
			if (span == null) {
				return null;
			}
			Map<String, String> carrier = new HashMap<>();
			propagator.inject(span.context(), carrier, Map::put);
			return carrier.get(HEADER);
		};
	}

}
