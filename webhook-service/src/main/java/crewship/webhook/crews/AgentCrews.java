package crewship.webhook.crews;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which crew (and workspace) each agent belongs to, projected from crew-service's events
 * (the shapes its EventContractTests pin) rather than asked on every delivery: a trigger
 * must not depend on crew-service being up. Each event is applied once, with its
 * processed-event mark, and a row keeps the time of the event that wrote it, so a late
 * redelivery never undoes a newer state.
 */
@Component
public class AgentCrews {

	static final String TOPIC = "crewship.crew.v1";

	static final String CONSUMER = "webhook.agent-crews";

	private static final Logger log = LoggerFactory.getLogger(AgentCrews.class);

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	AgentCrews(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/** An agent as this service knows it. */
	public record AgentCrew(String agentId, String workspaceId, String crewId, boolean deleted) {
	}

	@KafkaListener(topics = TOPIC, groupId = "${spring.application.name}.agent-crews")
	void onCrewEvent(ConsumerRecord<String, String> record) {
		if (record.value() != null) {
			apply(this.json.readValue(record.value(), EventEnvelope.class));
		}
	}

	/** Applies one event once, in its own transaction with its processed-event mark. */
	public void apply(EventEnvelope event) {
		this.transactions.executeWithoutResult(status -> applyOnce(event));
	}

	private void applyOnce(EventEnvelope event) {
		if (!event.type().startsWith("agent.") || !this.processed.markApplied(CONSUMER, event.id())) {
			return;
		}
		String agentId = text(event.data(), "id");
		if (agentId == null) {
			return;
		}
		Timestamp time = Timestamp.from(event.time());
		switch (event.type()) {
			case "agent.created", "agent.updated", "agent.hired", "agent.rehired", "agent.hire_approved" ->
				this.jdbc.update("""
						insert into agent_crew (agent_id, workspace_id, crew_id, event_time) values (?, ?, ?, ?)
						on conflict (agent_id) do update
						   set crew_id = coalesce(excluded.crew_id, agent_crew.crew_id),
						       workspace_id = coalesce(excluded.workspace_id, agent_crew.workspace_id),
						       event_time = excluded.event_time
						 where agent_crew.event_time < excluded.event_time and not agent_crew.deleted
						""", agentId, event.workspaceId(), text(event.data(), "crew_id"), time);
			case "agent.deleted",
					"agent.expired" ->
				this.jdbc.update(
						"""
								insert into agent_crew (agent_id, workspace_id, crew_id, deleted, event_time) values (?, ?, ?, true, ?)
								on conflict (agent_id) do update set deleted = true, event_time = excluded.event_time
								""",
						agentId, event.workspaceId(), text(event.data(), "crew_id"), time);
			default -> log.trace("Ignoring {}", event.type());
		}
	}

	public Optional<AgentCrew> find(String agentId) {
		List<AgentCrew> found = this.jdbc.query(
				"select agent_id, workspace_id, crew_id, deleted from agent_crew where agent_id = ?",
				(rs, n) -> new AgentCrew(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)), agentId);
		return found.stream().findFirst();
	}

	/**
	 * The agent, waiting up to {@code wait} for it to be projected (polled: the event may
	 * be applied by another replica's consumer).
	 */
	public Optional<AgentCrew> await(String agentId, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		Optional<AgentCrew> found = find(agentId);
		while (found.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Optional.empty();
			}
			found = find(agentId);
		}
		return found;
	}

	private static String text(JsonNode data, String field) {
		JsonNode value = (data != null) ? data.get(field) : null;
		return (value != null && !value.isNull()) ? value.asString() : null;
	}

}
