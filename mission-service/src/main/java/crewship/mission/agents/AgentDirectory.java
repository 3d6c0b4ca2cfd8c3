package crewship.mission.agents;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
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
import crewship.platform.events.Topics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agents (and crews' names) mission-service knows, projected from crew-service's
 * events so that a run needs no call to crew-service. Each event is applied once with its
 * processed-event mark; a row keeps the time of the event that wrote it, so a late
 * redelivery never undoes a newer state, and a field an event does not carry keeps its
 * value. A deleted agent stays (its past runs still name it) but is no longer found.
 */
@Component
public class AgentDirectory implements AgentProfiles {

	static final String TOPIC = Topics.domain("crew");

	static final String CONSUMER = "mission.agent-directory";

	private static final Logger log = LoggerFactory.getLogger(AgentDirectory.class);

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	AgentDirectory(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	@KafkaListener(topics = "crewship.crew.v1", groupId = "${spring.application.name}.agent-directory")
	void onCrewEvent(ConsumerRecord<String, String> record) {
		if (record.value() != null) {
			apply(this.json.readValue(record.value(), EventEnvelope.class));
		}
	}

	/** Applies one event once, in its own transaction with its processed-event mark. */
	public void apply(EventEnvelope event) {
		if (event.type() == null || !(event.type().startsWith("agent.") || event.type().startsWith("crew."))) {
			return;
		}
		this.transactions.executeWithoutResult(status -> applyOnce(event));
	}

	private void applyOnce(EventEnvelope event) {
		if (!this.processed.markApplied(CONSUMER, event.id())) {
			return;
		}
		JsonNode data = event.data();
		String id = text(data, "id");
		if (id == null || event.workspaceId() == null) {
			return;
		}
		Timestamp time = Timestamp.from(event.time());
		switch (event.type()) {
			case "crew.created", "crew.updated" -> this.jdbc.update("""
					insert into crew_profile (crew_id, workspace_id, name, slug, event_time) values (?, ?, ?, ?, ?)
					on conflict (crew_id) do update
					   set name = coalesce(excluded.name, crew_profile.name),
					       slug = coalesce(excluded.slug, crew_profile.slug), event_time = excluded.event_time
					 where crew_profile.event_time <= excluded.event_time and not crew_profile.deleted
					""", id, event.workspaceId(), text(data, "name"), text(data, "slug"), time);
			case "crew.deleted" -> this.jdbc.update("""
					insert into crew_profile (crew_id, workspace_id, deleted, event_time) values (?, ?, true, ?)
					on conflict (crew_id) do update set deleted = true, event_time = excluded.event_time
					""", id, event.workspaceId(), time);
			case "agent.created", "agent.updated", "agent.hired", "agent.rehired", "agent.hire_approved",
					"agent.expired" ->
				upsert(event, data, id, time);
			case "agent.deleted" -> this.jdbc.update("""
					insert into agent_profile (agent_id, workspace_id, crew_id, deleted, event_time)
					values (?, ?, ?, true, ?)
					on conflict (agent_id) do update set deleted = true, event_time = excluded.event_time
					""", id, event.workspaceId(), text(data, "crew_id"), time);
			default -> log.trace("Ignoring {}", event.type());
		}
	}

	private void upsert(EventEnvelope event, JsonNode data, String id, Timestamp time) {
		String status = "agent.expired".equals(event.type()) ? "EXPIRED" : text(data, "status");
		JsonNode timeout = (data != null) ? data.get("timeout_seconds") : null;
		Integer timeoutSeconds = (timeout != null && timeout.isNumber() && timeout.asInt() > 0) ? timeout.asInt()
				: null;
		JsonNode skills = (data != null) ? data.get("skills") : null;
		String skillsJson = (skills != null && skills.isArray()) ? this.json.writeValueAsString(skills) : null;
		this.jdbc.update(
				"""
						insert into agent_profile (agent_id, workspace_id, crew_id, name, slug, agent_role, status, llm_provider,
						    llm_model, timeout_seconds, persona, skills, event_time)
						values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?)
						on conflict (agent_id) do update
						   set crew_id = case when ? then excluded.crew_id else agent_profile.crew_id end,
						       name = coalesce(excluded.name, agent_profile.name),
						       slug = coalesce(excluded.slug, agent_profile.slug),
						       agent_role = coalesce(excluded.agent_role, agent_profile.agent_role),
						       status = coalesce(excluded.status, agent_profile.status),
						       llm_provider = case when ? then excluded.llm_provider else agent_profile.llm_provider end,
						       llm_model = case when ? then excluded.llm_model else agent_profile.llm_model end,
						       timeout_seconds = case when ? then excluded.timeout_seconds else agent_profile.timeout_seconds end,
						       persona = case when ? then excluded.persona else agent_profile.persona end,
						       skills = case when ? then excluded.skills else agent_profile.skills end,
						       event_time = excluded.event_time
						 where agent_profile.event_time <= excluded.event_time and not agent_profile.deleted
						""",
				id, event.workspaceId(), text(data, "crew_id"), text(data, "name"), text(data, "slug"),
				text(data, "agent_role"), status, text(data, "llm_provider"), text(data, "llm_model"), timeoutSeconds,
				text(data, "persona"), skillsJson, time, has(data, "crew_id"), has(data, "llm_provider"),
				has(data, "llm_model"), has(data, "timeout_seconds"), has(data, "persona"), has(data, "skills"));
	}

	@Override
	public Optional<AgentProfile> find(String workspaceId, String agentId) {
		if (workspaceId == null || agentId == null) {
			return Optional.empty();
		}
		return this.jdbc.query("""
				select agent_id, workspace_id, crew_id, name, slug, agent_role, status, llm_provider, llm_model,
				       timeout_seconds, persona, skills
				  from agent_profile where workspace_id = ? and agent_id = ? and not deleted
				""", this::profile, workspaceId, agentId).stream().findFirst();
	}

	/**
	 * An agent of the workspace by id or slug, also once deleted (its runs still name
	 * it); empty for another workspace's agent.
	 */
	public Optional<Named> named(String workspaceId, String idOrSlug) {
		return this.jdbc
			.query("""
					select a.agent_id, a.name, a.slug, a.crew_id, c.name, a.deleted
					  from agent_profile a left join crew_profile c on c.crew_id = a.crew_id
					 where a.workspace_id = ? and (a.agent_id = ? or a.slug = ?)
					 order by (a.agent_id = ?) desc, a.deleted limit 1
					""",
					(rs, n) -> new Named(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
							rs.getString(5), rs.getBoolean(6)),
					workspaceId, idOrSlug, idOrSlug, idOrSlug)
			.stream()
			.findFirst();
	}

	/** The workspace of the agent with this id (also once deleted). */
	public Optional<String> workspaceOf(String agentId) {
		return this.jdbc
			.queryForList("select workspace_id from agent_profile where agent_id = ?", String.class, agentId)
			.stream()
			.findFirst();
	}

	/** Names of the agents of the workspace among the ids (for a page of runs). */
	public java.util.Map<String, Named> names(String workspaceId, java.util.Collection<String> agentIds) {
		java.util.Map<String, Named> names = new java.util.HashMap<>();
		if (agentIds.isEmpty()) {
			return names;
		}
		this.jdbc.query("""
				select a.agent_id, a.name, a.slug, a.crew_id, c.name, a.deleted
				  from agent_profile a left join crew_profile c on c.crew_id = a.crew_id
				 where a.workspace_id = ? and a.agent_id = any(?)
				""", rs -> {
			names.put(rs.getString(1), new Named(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getString(5), rs.getBoolean(6)));
		}, workspaceId, agentIds.toArray(String[]::new));
		return names;
	}

	/** An agent as a run's row names it. */
	public record Named(String id, String name, String slug, String crewId, String crewName, boolean deleted) {
	}

	private AgentProfile profile(ResultSet rs, int n) throws SQLException {
		List<String> skills = new ArrayList<>();
		String skillsJson = rs.getString(12);
		if (skillsJson != null) {
			for (JsonNode skill : this.json.readTree(skillsJson)) {
				String name = skill.isString() ? skill.asString()
						: (skill.has("name") ? skill.get("name").asString() : null);
				if (name != null) {
					skills.add(name);
				}
			}
		}
		int timeout = rs.getInt(10);
		Integer timeoutSeconds = rs.wasNull() ? null : timeout;
		return new AgentProfile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
				rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), timeoutSeconds, rs.getString(11),
				List.copyOf(skills));
	}

	static String text(JsonNode data, String field) {
		JsonNode value = (data != null) ? data.get(field) : null;
		return (value != null && !value.isNull()) ? value.asString() : null;
	}

	static boolean has(JsonNode data, String field) {
		return data != null && data.has(field);
	}

}
