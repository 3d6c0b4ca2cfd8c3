package crewship.mission.engine;

import java.util.Map;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import crewship.mission.runs.Run;

/**
 * A run's span, a child of the trace that asked for the run (its stored
 * {@code traceparent}): the engine claims and executes the run later, on threads of its
 * own, and without it the run's events ({@code run.started}, {@code run.updated}) and log
 * lines started traces of their own — a webhook's trace ended at the trigger consumer.
 */
@Component
public class RunTracing {

	private static final Tracer.SpanInScope NO_SCOPE = () -> {
	};

	private final Tracer tracer;

	private final Propagator propagator;

	RunTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
		this.tracer = tracer.getIfAvailable();
		this.propagator = propagator.getIfAvailable();
	}

	/** The run's span, started; null when the run carries no trace or tracing is off. */
	Span start(Run run) {
		if (this.tracer == null || this.propagator == null || run.traceParent() == null) {
			return null;
		}
		return this.propagator.extract(Map.of("traceparent", run.traceParent()), Map::get)
			.name("run " + run.trigger().name().toLowerCase(java.util.Locale.ROOT))
			.tag("crewship.run.id", run.id())
			.tag("crewship.agent.id", run.agentId())
			.start();
	}

	/**
	 * Does {@code work} inside a span continuing {@code traceParent} (a record's
	 * {@code traceparent} header where no listener observation made it current: a batch
	 * listener), or simply does it when there is none.
	 */
	public <T> T continuing(String traceParent, String name, java.util.function.Supplier<T> work) {
		if (this.tracer == null || this.propagator == null || traceParent == null) {
			return work.get();
		}
		Span span = this.propagator.extract(Map.of("traceparent", traceParent), Map::get).name(name).start();
		try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
			return work.get();
		}
		finally {
			span.end();
		}
	}

	/** Makes the span current on this thread until the scope closes (no-op for null). */
	Tracer.SpanInScope inScope(Span span) {
		return (span != null && this.tracer != null) ? this.tracer.withSpan(span) : NO_SCOPE;
	}

}
