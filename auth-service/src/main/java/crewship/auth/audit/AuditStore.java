package crewship.auth.audit;

import java.sql.Timestamp;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import crewship.platform.audit.AuditRecord;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores every service's audit records. One consumer group for all auth-service replicas
 * (they share the table); the event id is the row id, so redeliveries are stored once.
 */
@Component
class AuditStore {

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	AuditStore(JdbcTemplate jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	@KafkaListener(topics = Topics.AUDIT, groupId = "auth-service.audit")
	void store(ConsumerRecord<String, String> message) {
		if (message.value() == null) {
			return;
		}
		EventEnvelope event = this.json.readValue(message.value(), EventEnvelope.class);
		if (!AuditRecord.RECORDED.equals(event.type())) {
			return;
		}
		AuditRecord record = this.json.treeToValue(event.data(), AuditRecord.class);
		this.jdbc.update("""
				insert into audit_logs (id, workspace_id, user_id, action, entity_type, entity_id, metadata,
				                        ip_address, user_agent, created_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				on conflict (id) do nothing
				""", event.id(), record.workspaceId(), record.userId(), record.action(), record.entityType(),
				record.entityId(), (record.metadata() != null) ? this.json.writeValueAsString(record.metadata()) : null,
				record.ipAddress(), record.userAgent(), Timestamp.from(event.time()));
	}

}
