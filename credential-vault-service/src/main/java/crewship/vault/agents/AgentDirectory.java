package crewship.vault.agents;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import crewship.vault.webhooks.WebhookSecrets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The crews and agents the vault knows, from crew-service's events (the shapes its
 * EventContractTests pin). Each row keeps the time of the event that wrote it, so a late
 * redelivery never undoes a newer state; a deletion also drops what was bound to the
 * agent or crew, and a deleted or expired agent's webhook signing secret is revoked (its
 * deliveries stop validating; a rehired ghost gets a new one by rotation).
 */
@Component
public class AgentDirectory {

	static final String TOPIC = "crewship.crew.v1";

	private static final Logger log = LoggerFactory.getLogger(AgentDirectory.class);

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	private final WebhookSecrets webhookSecrets;

	AgentDirectory(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed, TransactionTemplate transactions,
			WebhookSecrets webhookSecrets) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = transactions;
		this.webhookSecrets = webhookSecrets;
	}

	/** An agent as the vault knows it. */
	public record Agent(String id, String workspaceId, String crewId, String name) {
	}

	@KafkaListener(topics = TOPIC, groupId = "${spring.application.name}.crew-directory")
	public void onCrewEvent(ConsumerRecord<String, String> record) {
		if (record.value() != null) {
			apply(this.json.readValue(record.value(), EventEnvelope.class));
		}
	}

	/** Applies one event once, in its own transaction with its processed-event mark. */
	public void apply(EventEnvelope event) {
		this.transactions.executeWithoutResult(status -> applyOnce(event));
	}

	private void applyOnce(EventEnvelope event) {
		if (!this.processed.markApplied("vault.crew-directory", event.id())) {
			return;
		}
		JsonNode data = event.data();
		String id = text(data, "id");
		if (id == null) {
			return;
		}
		Timestamp time = Timestamp.from(event.time());
		switch (event.type()) {
			case "crew.created", "crew.updated" -> this.jdbc.update("""
					insert into crew_directory (crew_id, workspace_id, event_time) values (?, ?, ?)
					on conflict (crew_id) do update set event_time = excluded.event_time
					 where crew_directory.event_time < excluded.event_time and not crew_directory.deleted
					""", id, event.workspaceId(), time);
			case "crew.deleted" -> {
				this.jdbc.update("""
						insert into crew_directory (crew_id, workspace_id, deleted, event_time) values (?, ?, true, ?)
						on conflict (crew_id) do update set deleted = true, event_time = excluded.event_time
						""", id, event.workspaceId(), time);
				this.jdbc.update("delete from credential_bindings where scope = 'CREW' and crew_id = ?", id);
			}
			case "agent.created", "agent.updated", "agent.hired", "agent.rehired", "agent.hire_approved" -> {
				this.jdbc.update(
						"""
								insert into agent_directory (agent_id, workspace_id, crew_id, name, event_time) values (?, ?, ?, ?, ?)
								on conflict (agent_id) do update
								   set crew_id = coalesce(excluded.crew_id, agent_directory.crew_id),
								       name = coalesce(excluded.name, agent_directory.name), event_time = excluded.event_time
								 where agent_directory.event_time < excluded.event_time and not agent_directory.deleted
								""",
						id, event.workspaceId(), text(data, "crew_id"), text(data, "name"), time);
				if (("agent.created".equals(event.type()) || "agent.hired".equals(event.type()))
						&& event.actor() != null) {
					// the creator, whatever order the events arrive in; Keeper's
					// four-eyes
					// rule needs it
					this.jdbc.update(
							"update agent_directory set created_by_user_id = ? where agent_id = ? and created_by_user_id is null",
							event.actor(), id);
				}
			}
			case "agent.deleted", "agent.expired" -> {
				this.jdbc.update(
						"""
								insert into agent_directory (agent_id, workspace_id, crew_id, deleted, event_time) values (?, ?, ?, true, ?)
								on conflict (agent_id) do update set deleted = true, event_time = excluded.event_time
								""",
						id, event.workspaceId(), text(data, "crew_id"), time);
				this.jdbc.update("delete from credential_bindings where scope = 'AGENT' and agent_id = ?", id);
				this.jdbc.update("delete from agent_credentials where agent_id = ?", id);
				// a deleted agent never comes back; a ghost may be rehired and rotated
				// before this event arrives, and keeps that newer secret
				this.webhookSecrets.revokeAgent(id, "agent.expired".equals(event.type()) ? event.time() : null);
			}
			default -> log.trace("Ignoring {}", event.type());
		}
	}

	public Optional<Agent> agent(String workspaceId, String agentId) {
		List<Agent> found = this.jdbc.query(
				"select agent_id, workspace_id, crew_id, name from agent_directory where agent_id = ? and workspace_id = ? and not deleted",
				(rs, n) -> new Agent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)), agentId,
				workspaceId);
		return found.stream().findFirst();
	}

	public boolean crewExists(String workspaceId, String crewId) {
		return !this.jdbc
			.queryForList("select 1 from crew_directory where crew_id = ? and workspace_id = ? and not deleted",
					Integer.class, crewId, workspaceId)
			.isEmpty();
	}

	private static String text(JsonNode data, String field) {
		JsonNode value = (data != null) ? data.get(field) : null;
		return (value != null && !value.isNull()) ? value.asString() : null;
	}

}
