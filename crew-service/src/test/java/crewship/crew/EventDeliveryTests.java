package crewship.crew;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.audit.AuditRecord;
import crewship.platform.events.OutboxRelay;
import crewship.platform.events.Topics;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Changes made while the broker is unreachable are kept in the outbox and arrive exactly
 * once after it returns (the platform's relay-outage approach: stop the relay, prove a
 * relay towards a dead broker cannot publish, restart it); each also leaves an audit
 * record.
 */
class EventDeliveryTests extends CrewTestSupport {

	@Autowired
	OutboxRelay relay;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Test
	void changesMadeWhileTheBrokerIsAwayArriveOnceAfterItReturns() {
		String crewId;
		String agentId;
		this.relay.stop();
		try {
			crewId = crew(slug("outage"));
			assertThat(patch(this.owner, ws("/api/v1/crews/" + crewId), "{\"name\":\"Still here\"}").status())
				.isEqualTo(200);
			Response agent = this.owner.postJson(ws("/api/v1/agents"),
					"{\"name\":\"Offline\",\"slug\":\"" + slug("offline") + "\",\"crew_id\":\"" + crewId + "\"}");
			assertThat(agent.status()).as(agent.body()).isEqualTo(201);
			agentId = agent.json().get("id").asString();
			assertThat(pendingFor(crewId)).isEqualTo(2);
			assertThat(pendingFor(agentId)).isEqualTo(1);
			OutboxRelay unreachable = relayTo("127.0.0.1:1");
			assertThatThrownBy(unreachable::relayBatch).hasMessageContaining("Kafka");
			assertThat(pendingFor(crewId)).isEqualTo(2);
		}
		finally {
			this.relay.start(); // the broker is back: the rows are the queue
		}
		assertThat(types(events(crewId, 2))).containsExactly("crew.created", "crew.updated");
		assertThat(types(events(agentId, 1))).containsExactly("agent.created");
		// read on a while: a duplicate would show up now
		List<String> crewEvents = TestKafka.readUntil(CREW_TOPIC, read -> false, Duration.ofSeconds(2))
			.stream()
			.filter(r -> crewId.equals(r.key()) || agentId.equals(r.key()))
			.map(r -> this.json.readTree(r.value()).get("id").asString())
			.toList();
		assertThat(crewEvents).hasSize(3).doesNotHaveDuplicates();
		assertThat(pendingFor(crewId)).isZero();

		List<JsonNode> audits = TestKafka
			.readUntil(Topics.AUDIT, read -> read.stream().filter(r -> hasEntity(r.value(), crewId)).count() >= 2,
					Duration.ofSeconds(30))
			.stream()
			.map(r -> this.json.readTree(r.value()))
			.filter(event -> crewId.equals(event.get("subject").asString()))
			.toList();
		assertThat(audits).extracting(event -> event.get("type").asString()).containsOnly(AuditRecord.RECORDED);
		assertThat(audits).extracting(event -> event.get("data").get("action").asString())
			.containsExactly("crew.created", "crew.updated");
		assertThat(audits.get(0).get("data").get("user_id").asString()).isEqualTo(this.ownerId);
	}

	private boolean hasEntity(String value, String id) {
		return value != null && value.contains(id);
	}

	private long pendingFor(String subject) {
		Long n = this.jdbc.queryForObject("select count(*) from platform_outbox where record_key = ? and topic = ?",
				Long.class, subject, CREW_TOPIC);
		return (n != null) ? n : 0;
	}

	private OutboxRelay relayTo(String bootstrapServers) {
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
				ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4000);
		KafkaTemplate<String, String> template = new KafkaTemplate<>(
				new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new StringSerializer()));
		return new OutboxRelay(this.jdbc, new TransactionTemplate(this.transactionManager), template,
				new OutboxRelay.Settings(Duration.ofMillis(100), 50, Duration.ofSeconds(5), Duration.ofSeconds(1)));
	}

}
