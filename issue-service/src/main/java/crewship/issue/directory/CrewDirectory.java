package crewship.issue.directory;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
 * The crews and agents issue-service knows, projected from crew-service's events (the
 * shapes its EventContractTests pin) so that a list of issues names its crews and
 * assignees without a call per row. Each event is applied once, with its processed-event
 * mark; a row keeps the time of the event that wrote it, so a late redelivery never
 * undoes a newer state. A field an event does not carry keeps its value.
 */
@Component
public class CrewDirectory {

	static final String TOPIC = "crewship.crew.v1";

	static final String CONSUMER = "issue.crew-directory";

	private static final Logger log = LoggerFactory.getLogger(CrewDirectory.class);

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	CrewDirectory(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/** A crew as issue-service knows it. */
	public record Crew(String id, String workspaceId, String name, String slug, String issuePrefix) {

		/**
		 * The identifier prefix: the crew's {@code issue_prefix}, else the first three
		 * letters or digits of its slug, upper-cased.
		 */
		public String prefix() {
			if (this.issuePrefix != null && !this.issuePrefix.isBlank()) {
				return this.issuePrefix.trim().toUpperCase(Locale.ROOT);
			}
			String letters = (this.slug != null) ? this.slug.replaceAll("[^A-Za-z0-9]", "") : "";
			String prefix = letters.substring(0, Math.min(3, letters.length())).toUpperCase(Locale.ROOT);
			return prefix.isEmpty() ? "ISS" : prefix;
		}

	}

	/** An agent as issue-service knows it. */
	public record Agent(String id, String workspaceId, String crewId, String name, String slug, String role) {
	}

	@KafkaListener(topics = TOPIC, groupId = "${spring.application.name}.crew-directory")
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
		if (event.type() == null || !this.processed.markApplied(CONSUMER, event.id())) {
			return;
		}
		JsonNode data = event.data();
		String id = Events.text(data, "id");
		if (id == null || event.workspaceId() == null) {
			return;
		}
		Timestamp time = Timestamp.from(event.time());
		switch (event.type()) {
			case "crew.created", "crew.updated" -> this.jdbc.update("""
					insert into crew_directory (crew_id, workspace_id, name, slug, issue_prefix, event_time)
					values (?, ?, ?, ?, ?, ?)
					on conflict (crew_id) do update
					   set name = coalesce(excluded.name, crew_directory.name),
					       slug = coalesce(excluded.slug, crew_directory.slug),
					       issue_prefix = case when ? then excluded.issue_prefix else crew_directory.issue_prefix end,
					       event_time = excluded.event_time
					 where crew_directory.event_time <= excluded.event_time and not crew_directory.deleted
					""", id, event.workspaceId(), Events.text(data, "name"), Events.text(data, "slug"),
					Events.text(data, "issue_prefix"), time, Events.has(data, "issue_prefix"));
			case "crew.deleted" -> this.jdbc.update(
					"""
							insert into crew_directory (crew_id, workspace_id, slug, deleted, event_time) values (?, ?, ?, true, ?)
							on conflict (crew_id) do update set deleted = true, event_time = excluded.event_time
							""",
					id, event.workspaceId(), Events.text(data, "slug"), time);
			case "agent.created", "agent.updated", "agent.hired", "agent.rehired", "agent.hire_approved" -> this.jdbc
				.update("""
						insert into agent_directory (agent_id, workspace_id, crew_id, name, slug, agent_role, event_time)
						values (?, ?, ?, ?, ?, ?, ?)
						on conflict (agent_id) do update
						   set crew_id = case when ? then excluded.crew_id else agent_directory.crew_id end,
						       name = coalesce(excluded.name, agent_directory.name),
						       slug = coalesce(excluded.slug, agent_directory.slug),
						       agent_role = coalesce(excluded.agent_role, agent_directory.agent_role),
						       event_time = excluded.event_time
						 where agent_directory.event_time <= excluded.event_time and not agent_directory.deleted
						""",
						id, event.workspaceId(), Events.text(data, "crew_id"), Events.text(data, "name"),
						Events.text(data, "slug"), Events.text(data, "agent_role"), time, Events.has(data, "crew_id"));
			case "agent.deleted" -> this.jdbc.update(
					"""
							insert into agent_directory (agent_id, workspace_id, crew_id, deleted, event_time) values (?, ?, ?, true, ?)
							on conflict (agent_id) do update set deleted = true, event_time = excluded.event_time
							""",
					id, event.workspaceId(), Events.text(data, "crew_id"), time);
			// an expired agent is a ghost that may be rehired: it keeps its name on
			// issues
			default -> log.trace("Ignoring {}", event.type());
		}
	}

	/** A live crew of the workspace by id or slug. */
	public Optional<Crew> crew(String workspaceId, String idOrSlug) {
		List<Crew> found = this.jdbc.query("""
				select crew_id, workspace_id, name, slug, issue_prefix from crew_directory
				 where workspace_id = ? and not deleted and (crew_id = ? or slug = ?)
				 order by (crew_id = ?) desc limit 1
				""", (rs, n) -> new Crew(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
				rs.getString(5)), workspaceId, idOrSlug, idOrSlug, idOrSlug);
		return found.stream().findFirst();
	}

	/**
	 * The crew, waiting up to {@code wait} for it to be projected: a crew made a moment
	 * ago may not have reached this service yet (polled: another replica's consumer may
	 * apply the event).
	 */
	public Optional<Crew> awaitCrew(String workspaceId, String idOrSlug, Duration wait) {
		return await(() -> crew(workspaceId, idOrSlug), wait);
	}

	/** The crew's LEAD agent, waiting like {@link #awaitCrew}. */
	public Optional<Agent> awaitLead(String workspaceId, String crewId, Duration wait) {
		return await(() -> lead(workspaceId, crewId), wait);
	}

	public Optional<Agent> lead(String workspaceId, String crewId) {
		return first("""
				select agent_id, workspace_id, crew_id, name, slug, agent_role from agent_directory
				 where workspace_id = ? and crew_id = ? and agent_role = 'LEAD' and not deleted
				 order by event_time desc limit 1
				""", workspaceId, crewId);
	}

	/** A live agent of the workspace by id or slug. */
	public Optional<Agent> agent(String workspaceId, String idOrSlug) {
		return first("""
				select agent_id, workspace_id, crew_id, name, slug, agent_role from agent_directory
				 where workspace_id = ? and not deleted and (agent_id = ? or slug = ?)
				 order by (agent_id = ?) desc limit 1
				""", workspaceId, idOrSlug, idOrSlug, idOrSlug);
	}

	/** The agent, waiting like {@link #awaitCrew}. */
	public Optional<Agent> awaitAgent(String workspaceId, String idOrSlug, Duration wait) {
		return await(() -> agent(workspaceId, idOrSlug), wait);
	}

	/** An agent's name, also once deleted (its past issues still name it). */
	public Optional<String> agentName(String agentId) {
		return this.jdbc.queryForList("select name from agent_directory where agent_id = ?", String.class, agentId)
			.stream()
			.filter(name -> name != null)
			.findFirst();
	}

	private Optional<Agent> first(String sql, Object... args) {
		List<Agent> found = this.jdbc.query(sql, (rs, n) -> new Agent(rs.getString(1), rs.getString(2), rs.getString(3),
				rs.getString(4), rs.getString(5), rs.getString(6)), args);
		return found.stream().findFirst();
	}

	static <T> Optional<T> await(java.util.function.Supplier<Optional<T>> lookup, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		Optional<T> found = lookup.get();
		while (found.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Optional.empty();
			}
			found = lookup.get();
		}
		return found;
	}

}
