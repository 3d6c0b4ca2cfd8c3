package crewship.webhook.deliveries;

import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.transaction.PlatformTransactionManager;

import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery queue's own producer and topic. Neither is a {@code KafkaTemplate} nor a
 * {@code ProducerFactory} bean, so the auto-configured ones the platform's relay uses
 * stay as they are.
 */
@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

	@Bean
	DeliveryQueue deliveryQueue(KafkaProperties kafka, DeliveryProperties properties, JsonMapper json,
			ObjectProvider<ObservationRegistry> observations) {
		DeliveryQueue queue = new DeliveryQueue(kafka.buildProducerProperties(), properties, json);
		// the delivery's record carries the request's trace (traceparent header), so the
		// run it becomes in mission-service stays in the webhook's trace
		observations.ifAvailable(queue::observeWith);
		return queue;
	}

	@Bean
	Deliveries deliveries(JdbcTemplate jdbc) {
		return new Deliveries(jdbc);
	}

	@Bean
	DeliveryAdmission deliveryAdmission(Deliveries deliveries, DeliveryQueue deliveryQueue,
			DeliveryProperties properties, PlatformTransactionManager transactionManager) {
		return new DeliveryAdmission(deliveries, deliveryQueue, properties, transactionManager);
	}

	@Bean
	NewTopic deliveriesTopic(DeliveryProperties properties) {
		return TopicBuilder.name(properties.topic()).partitions(3).build();
	}

	@Bean
	DedupWindowPurge dedupWindowPurge(Deliveries deliveries, DeliveryProperties properties) {
		return new DedupWindowPurge(deliveries, properties.dedupWindow());
	}

}
