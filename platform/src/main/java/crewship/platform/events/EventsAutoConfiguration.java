package crewship.platform.events;

import java.time.Duration;
import java.util.function.Supplier;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.audit.AuditTrail;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox and its relay, and idempotent consumption, for every service with a
 * database. {@code crewship.events.producer} names the service's domain topic
 * ({@code crewship.<producer>.v1}).
 */
@AutoConfiguration(
		after = { JdbcTemplateAutoConfiguration.class, KafkaAutoConfiguration.class,
				TransactionAutoConfiguration.class },
		afterName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnBean({ JdbcTemplate.class, KafkaTemplate.class, PlatformTransactionManager.class })
public class EventsAutoConfiguration {

	@Bean
	OutboxRelay outboxRelay(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
			KafkaTemplate<String, String> kafka, @Value("${crewship.outbox.poll-interval:250ms}") Duration pollInterval,
			@Value("${crewship.outbox.batch-size:200}") int batchSize,
			@Value("${crewship.outbox.send-timeout:15s}") Duration sendTimeout) {
		return new OutboxRelay(jdbc, new TransactionTemplate(transactionManager), kafka,
				new OutboxRelay.Settings(pollInterval, batchSize, sendTimeout, Duration.ofSeconds(10)));
	}

	@Bean
	DomainEvents domainEvents(JdbcTemplate jdbc, JsonMapper json, OutboxRelay relay,
			@Value("${crewship.events.producer}") String producer, ObjectProvider<Tracer> tracer,
			ObjectProvider<Propagator> propagator) {
		Tracer currentTracer = tracer.getIfAvailable();
		Propagator currentPropagator = propagator.getIfAvailable();
		Supplier<String> traceParent = (currentTracer != null && currentPropagator != null)
				? TraceParents.of(currentTracer, currentPropagator) : () -> null;
		return new DomainEvents(jdbc, json, Topics.domain(producer), relay, traceParent);
	}

	@Bean
	AuditTrail auditTrail(DomainEvents events) {
		return new AuditTrail(events);
	}

	@Bean
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	OutboxMetrics outboxMetrics(JdbcTemplate jdbc) {
		return new OutboxMetrics(jdbc);
	}

	@Bean
	ProcessedEvents processedEvents(JdbcTemplate jdbc) {
		return new ProcessedEvents(jdbc);
	}

}
