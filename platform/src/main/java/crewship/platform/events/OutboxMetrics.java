package crewship.platform.events;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The outbox as an operator watches it: {@code crewship.outbox.backlog} (rows not yet on
 * Kafka) and {@code crewship.outbox.oldest.age} (seconds the oldest has waited) — a
 * growing age with a broker up means the relay is stuck. Read at most once per scrape
 * interval, from one query.
 */
public class OutboxMetrics implements MeterBinder {

	private static final long MIN_INTERVAL_NANOS = 5_000_000_000L;

	private final JdbcTemplate jdbc;

	private final AtomicLong backlog = new AtomicLong();

	private final AtomicLong oldestAgeSeconds = new AtomicLong();

	private volatile long readAt;

	public OutboxMetrics(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("crewship.outbox.backlog", this, metrics -> metrics.read().backlog.get())
			.description("Outbox rows not yet published to Kafka")
			.register(registry);
		Gauge.builder("crewship.outbox.oldest.age", this, metrics -> metrics.read().oldestAgeSeconds.get())
			.description("Seconds the oldest unpublished outbox row has waited")
			.baseUnit("seconds")
			.register(registry);
	}

	private OutboxMetrics read() {
		long now = System.nanoTime();
		if (this.readAt != 0 && now - this.readAt < MIN_INTERVAL_NANOS) {
			return this;
		}
		this.readAt = now;
		try {
			this.jdbc.query("""
					select count(*), coalesce(extract(epoch from now() - min(created_at)), 0)::bigint
					  from platform_outbox
					""", rs -> {
				this.backlog.set(rs.getLong(1));
				this.oldestAgeSeconds.set(rs.getLong(2));
			});
		}
		catch (RuntimeException ex) {
			// the database is away: keep the last reading, readiness reports the outage
		}
		return this;
	}

}
