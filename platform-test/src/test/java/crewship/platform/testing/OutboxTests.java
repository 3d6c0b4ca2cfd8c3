package crewship.platform.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.events.DomainEvents;
import crewship.platform.events.OutboxRelay;
import crewship.platform.events.Topics;
import crewship.platform.ids.Cuid;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Events reach Kafka once, in order, after the transaction that caused them, whatever the
 * broker did.
 */
@ServiceTest
class OutboxTests {

	static final String TOPIC = Topics.domain("platformtest");

	@Autowired
	DomainEvents events;

	@Autowired
	OutboxRelay relay;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	JsonMapper json;

	private TransactionTemplate tx() {
		return new TransactionTemplate(this.transactionManager);
	}

	private List<String> eventIdsFor(String subject, int atLeast) {
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(TOPIC,
				read -> read.stream().filter(r -> subject.equals(r.key())).count() >= atLeast, Duration.ofSeconds(20));
		// keep reading briefly so a duplicate would show
		return records.stream()
			.filter(r -> subject.equals(r.key()))
			.map(r -> this.json.readTree(r.value()).get("id").asString())
			.toList();
	}

	@Test
	void committedEventIsPublishedOnceWithTheEnvelope() {
		String subject = Cuid.next();
		String id = tx()
			.execute(status -> this.events.publish("widget.created", "ws-1", subject, "user-1", Map.of("slug", "alpha"))
				.id());
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(TOPIC,
				read -> read.stream().anyMatch(r -> subject.equals(r.key())), Duration.ofSeconds(20));
		var record = records.stream().filter(r -> subject.equals(r.key())).toList();
		assertThat(record).hasSize(1);
		var envelope = this.json.readTree(record.get(0).value());
		assertThat(envelope.get("id").asString()).isEqualTo(id);
		assertThat(envelope.get("type").asString()).isEqualTo("widget.created");
		assertThat(envelope.get("workspace_id").asString()).isEqualTo("ws-1");
		assertThat(envelope.get("subject").asString()).isEqualTo(subject);
		assertThat(envelope.get("actor").asString()).isEqualTo("user-1");
		assertThat(envelope.get("time").asString()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
		assertThat(envelope.get("data").get("slug").asString()).isEqualTo("alpha");
	}

	@Test
	void rolledBackEventIsNeverPublished() {
		String subject = Cuid.next();
		assertThatThrownBy(() -> tx().executeWithoutResult(status -> {
			this.events.publish("widget.created", "ws-1", subject, "user-1", Map.of());
			throw new IllegalStateException("business rule failed");
		})).isInstanceOf(IllegalStateException.class);
		String marker = Cuid.next();
		tx().executeWithoutResult(status -> this.events.publish("widget.created", "ws-1", marker, "u", Map.of()));
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(TOPIC,
				read -> read.stream().anyMatch(r -> marker.equals(r.key())), Duration.ofSeconds(20));
		assertThat(records).noneMatch(r -> subject.equals(r.key()));
	}

	@Test
	void publishingOutsideATransactionIsRefused() {
		assertThatThrownBy(() -> this.events.publish("widget.created", "ws-1", "s", "u", Map.of()))
			.hasMessageContaining("transaction");
	}

	@Test
	void eventsWrittenWhileTheBrokerIsAwayArriveOnceAfterItReturns() {
		this.relay.stop();
		try {
			String subject = Cuid.next();
			for (int i = 0; i < 5; i++) {
				int n = i;
				tx().executeWithoutResult(
						status -> this.events.publish("widget.updated", "ws-1", subject, "u", Map.of("n", n)));
			}
			OutboxRelay unreachable = relayTo("127.0.0.1:1");
			assertThatThrownBy(unreachable::relayBatch).hasMessageContaining("Kafka");
			assertThat(pendingFor(subject)).isEqualTo(5);
			this.relay.start(); // the broker is back (as is a restarted service): the
								// rows are the queue
			List<String> ids = eventIdsFor(subject, 5);
			assertThat(ids).hasSize(5).doesNotHaveDuplicates();
			assertThat(TestKafka.readUntil(TOPIC, read -> false, Duration.ofSeconds(2)))
				.filteredOn(r -> subject.equals(r.key()))
				.hasSize(5);
		}
		finally {
			if (!this.relay.isRunning()) {
				this.relay.start();
			}
		}
	}

	@Test
	void recordsTheBrokerAcknowledgedLeaveTheOutboxEvenWhenOthersOfTheBatchFail() {
		this.relay.stop();
		try {
			String subject = Cuid.next();
			tx().executeWithoutResult(
					status -> this.events.publish("widget.updated", "ws-1", subject, "u", Map.of("n", 1)));
			// a row no broker accepts (a topic name Kafka refuses), behind the good one
			this.jdbc.update(
					"insert into platform_outbox (event_id, topic, record_key, payload) values (?, 'no such topic!', ?, '{}')",
					Cuid.next(), subject);
			OutboxRelay replica = relayTo(TestInfrastructure.kafkaBootstrapServers());
			assertThatThrownBy(replica::relayBatch).hasMessageContaining("Kafka acknowledged");
			assertThat(pendingFor(subject)).as("only the refused row stays").isEqualTo(1);
			// passes while the refused row waits publish nothing twice
			assertThatThrownBy(replica::relayBatch).hasMessageContaining("Kafka acknowledged");
			this.jdbc.update("delete from platform_outbox where record_key = ?", subject);
			assertThat(TestKafka.readUntil(TOPIC, read -> false, Duration.ofSeconds(2)))
				.filteredOn(r -> subject.equals(r.key()))
				.hasSize(1);
		}
		finally {
			this.relay.start();
		}
	}

	@Test
	void concurrentRelaysPublishEachEventOnceAndInOrder() throws Exception {
		this.relay.stop();
		try {
			String subject = Cuid.next();
			int count = 300;
			for (int i = 0; i < count; i++) {
				int n = i;
				tx().executeWithoutResult(
						status -> this.events.publish("widget.updated", "ws-1", subject, "u", Map.of("n", n)));
			}
			String brokers = TestInfrastructure.kafkaBootstrapServers();
			List<OutboxRelay> replicas = IntStream.range(0, 3).mapToObj(i -> relayTo(brokers)).toList();
			List<CompletableFuture<Void>> runs = replicas.stream().map(replica -> CompletableFuture.runAsync(() -> {
				for (int round = 0; round < 20 && pendingFor(subject) > 0; round++) {
					replica.relayBatch();
				}
			})).toList();
			CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get();
			assertThat(pendingFor(subject)).isZero();
			List<ConsumerRecord<String, String>> records = TestKafka.readUntil(TOPIC,
					read -> read.stream().filter(r -> subject.equals(r.key())).count() >= count,
					Duration.ofSeconds(20));
			List<Integer> order = records.stream()
				.filter(r -> subject.equals(r.key()))
				.map(r -> this.json.readTree(r.value()).get("data").get("n").asInt())
				.toList();
			assertThat(order).hasSize(count).isSorted().doesNotHaveDuplicates();
		}
		finally {
			this.relay.start();
		}
	}

	private long pendingFor(String subject) {
		Long n = this.jdbc.queryForObject("select count(*) from platform_outbox where record_key = ?", Long.class,
				subject);
		return (n != null) ? n : 0;
	}

	private OutboxRelay relayTo(String bootstrapServers) {
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
				ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4000);
		KafkaTemplate<String, String> template = new KafkaTemplate<>(
				new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new StringSerializer()));
		return new OutboxRelay(this.jdbc, tx(), template,
				new OutboxRelay.Settings(Duration.ofMillis(100), 50, Duration.ofSeconds(5), Duration.ofSeconds(1)));
	}

}
