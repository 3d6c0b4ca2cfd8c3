package crewship.platform.events;

import java.time.Duration;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import crewship.platform.db.DatabaseFailures;

/**
 * What a consumer does with a record it cannot apply. A poison record (unreadable JSON, a
 * shape the consumer rejects, a bug) is tried three times, then put on
 * {@code <topic>.dlt} with the reason in its headers ({@code kafka_dlt-exception-*}) and
 * counted ({@code crewship.kafka.dead_letters}); the consumer goes on with the next
 * record instead of stopping its partition. A database that is away is no reason to give
 * up a record: those failures are retried with a backoff of up to 30 s for as long as it
 * takes.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBean(KafkaTemplate.class)
public class DeadLetterAutoConfiguration {

	/** Where a record of {@code topic} goes when it cannot be applied. */
	public static String deadLetterTopic(String topic) {
		return topic + ".dlt";
	}

	private static final Logger log = LoggerFactory.getLogger(DeadLetterAutoConfiguration.class);

	private static final Set<Class<? extends Exception>> TRANSIENT = Set.of(TransientDataAccessException.class,
			DataAccessResourceFailureException.class, CannotCreateTransactionException.class);

	@Bean
	@ConditionalOnMissingBean(CommonErrorHandler.class)
	DefaultErrorHandler kafkaErrorHandler(KafkaTemplate<String, String> kafka, ObjectProvider<MeterRegistry> meters) {
		DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(kafka,
				(record, ex) -> new TopicPartition(deadLetterTopic(record.topic()), -1));
		MeterRegistry registry = meters.getIfAvailable();
		DefaultErrorHandler handler = new DefaultErrorHandler((record, ex) -> {
			log.warn("Dead-lettered {}-{}@{} to {}: {}", record.topic(), record.partition(), record.offset(),
					deadLetterTopic(record.topic()), rootMessage(ex));
			if (registry != null) {
				registry.counter("crewship.kafka.dead_letters", "topic", record.topic()).increment();
			}
			deadLetters.accept(record, ex);
		}, new FixedBackOff(200, 2));
		handler.setBackOffFunction((record, ex) -> transientCause(ex) ? unlimitedBackOff() : null);
		return handler;
	}

	private static ExponentialBackOff unlimitedBackOff() {
		ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
		backOff.setMaxInterval(Duration.ofSeconds(30).toMillis());
		return backOff;
	}

	static boolean transientCause(Throwable ex) {
		if (DatabaseFailures.unavailable(ex)) {
			return true;
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			Throwable current = cause;
			if (TRANSIENT.stream().anyMatch(type -> type.isInstance(current))) {
				return true;
			}
		}
		return false;
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

}
