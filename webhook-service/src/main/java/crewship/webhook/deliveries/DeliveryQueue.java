package crewship.webhook.deliveries;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.LoggingProducerListener;

import crewship.platform.events.EventEnvelope;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts a delivery on the work-queue topic and returns only once every in-sync replica has
 * acknowledged it. Not the outbox: the relay publishes later, and a webhook's 202
 * promises the delivery is already durable. Its own producer (idempotent,
 * {@code acks=all}, timeouts of a few seconds) so the wait a sender sees is bounded
 * whatever the platform's relay is tuned to.
 */
public class DeliveryQueue implements DisposableBean {

	static final String TYPE = "webhook.delivery";

	private final DefaultKafkaProducerFactory<String, String> producers;

	private final KafkaTemplate<String, String> kafka;

	private final JsonMapper json;

	private final DeliveryProperties properties;

	/**
	 * @param producerDefaults the suite's producer settings (bootstrap servers, client
	 * id, security); the durability settings are forced on top of them
	 */
	public DeliveryQueue(Map<String, Object> producerDefaults, DeliveryProperties properties, JsonMapper json) {
		Map<String, Object> config = new HashMap<>(producerDefaults);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) properties.maxBlock().toMillis());
		config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) properties.requestTimeout().toMillis());
		config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) properties.deliveryTimeout().toMillis());
		// a sender is waiting: no batching delay
		config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		// beside the relay's producer: a client id of its own keeps metrics and quotas
		// apart
		config.computeIfPresent(ProducerConfig.CLIENT_ID_CONFIG, (key, id) -> id + "-deliveries");
		this.producers = new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new StringSerializer());
		this.kafka = new KafkaTemplate<>(this.producers);
		// a failure is logged once by the caller; the payload is the sender's, not ours
		// to log
		LoggingProducerListener<String, String> listener = new LoggingProducerListener<>();
		listener.setIncludeContents(false);
		this.kafka.setProducerListener(listener);
		this.json = json;
		this.properties = properties;
	}

	/** Sends observed: the current trace travels in each record's headers. */
	void observeWith(io.micrometer.observation.ObservationRegistry registry) {
		this.kafka.setObservationRegistry(registry);
		this.kafka.setObservationEnabled(true);
	}

	/**
	 * Sends the delivery keyed by its target (one target's deliveries stay ordered) and
	 * waits for the broker's acknowledgement.
	 * @throws DeliveryUnavailableException when the broker did not acknowledge it within
	 * the configured bounds. The outcome can then be ambiguous (the producer gave up, the
	 * broker may still have written it): the record carries {@code dedup_key} so the
	 * consumer can drop a copy a retried delivery adds.
	 */
	public void enqueue(Delivery delivery, Instant receivedAt) {
		String value = this.json.writeValueAsString(envelope(delivery, receivedAt));
		// The producer's own delivery timeout decides; this bound only guards against a
		// future that never completes.
		long waitMillis = this.properties.maxBlock().plus(this.properties.deliveryTimeout()).toMillis() + 1000;
		try {
			this.kafka.send(this.properties.topic(), delivery.targetId(), value).get(waitMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DeliveryUnavailableException("Interrupted while enqueueing", ex);
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			throw new DeliveryUnavailableException("Kafka did not acknowledge the delivery", ex);
		}
	}

	private EventEnvelope envelope(Delivery delivery, Instant receivedAt) {
		ObjectNode data = this.json.createObjectNode();
		data.put("delivery_id", delivery.id());
		data.put("target_kind", delivery.targetKind().name());
		data.put("target_id", delivery.targetId());
		data.put("workspace_id", delivery.workspaceId());
		data.put("crew_id", delivery.crewId());
		data.put("dedup_key", delivery.dedupKey());
		data.put("content_type", delivery.contentType());
		// byte for byte what was signed; the executor parses (and fences) it
		data.put("payload", new String(delivery.payload(), StandardCharsets.UTF_8));
		data.put("payload_sha256", Deliveries.sha256Hex(delivery.payload()));
		if (delivery.inputs() != null) {
			data.set("inputs", delivery.inputs());
		}
		return new EventEnvelope(delivery.id(), TYPE, delivery.workspaceId(), delivery.targetId(), "webhook",
				receivedAt, data);
	}

	@Override
	public void destroy() {
		this.producers.destroy();
	}

}
