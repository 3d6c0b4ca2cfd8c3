package crewship.mission.missions.crews;

import java.sql.Timestamp;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;

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
 * The crews missions belong to, projected from crew-service's {@code crew.*} events: a
 * mission path names its crew by id or by slug ({@code /crews/engineering/missions}), and
 * only this copy knows the slug. Applied once per event, a newer row never overwritten by
 * an older event.
 */
@Component
public class MissionCrews {

	static final String CONSUMER = "mission.crews";

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	MissionCrews(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	@KafkaListener(topics = "crewship.crew.v1", groupId = "${spring.application.name}.mission-crews")
	void onCrewEvent(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			return;
		}
		EventEnvelope event = this.json.readValue(record.value(), EventEnvelope.class);
		if (event.type() == null || !event.type().startsWith("crew.")) {
			return;
		}
		this.transactions.executeWithoutResult(status -> apply(event));
	}

	private void apply(EventEnvelope event) {
		String id = text(event.data(), "id");
		if (id == null || event.workspaceId() == null || !this.processed.markApplied(CONSUMER, event.id())) {
			return;
		}
		Timestamp time = Timestamp.from(event.time());
		switch (event.type()) {
			case "crew.created", "crew.updated" -> this.jdbc.update("""
					insert into mission_crew (crew_id, workspace_id, slug, event_time) values (?, ?, ?, ?)
					on conflict (crew_id) do update set slug = coalesce(excluded.slug, mission_crew.slug),
					       event_time = excluded.event_time
					 where mission_crew.event_time <= excluded.event_time and not mission_crew.deleted
					""", id, event.workspaceId(), text(event.data(), "slug"), time);
			case "crew.deleted" -> this.jdbc.update(
					"""
							insert into mission_crew (crew_id, workspace_id, slug, deleted, event_time) values (?, ?, ?, true, ?)
							on conflict (crew_id) do update set deleted = true, event_time = excluded.event_time
							""",
					id, event.workspaceId(), text(event.data(), "slug"), time);
			default -> {
			}
		}
	}

	/**
	 * The crew id a path segment names in the workspace: a known crew's id or slug, else
	 * the segment itself taken as an id (a crew made a moment ago may not have reached
	 * this copy yet; its agents' crew_id still matches).
	 */
	public String resolve(String workspaceId, String idOrSlug) {
		return known(workspaceId, idOrSlug).orElse(idOrSlug);
	}

	/** A live crew of the workspace by id or slug. */
	public Optional<String> known(String workspaceId, String idOrSlug) {
		return this.jdbc.queryForList("""
				select crew_id from mission_crew where workspace_id = ? and not deleted and (crew_id = ? or slug = ?)
				 order by (crew_id = ?) desc limit 1
				""", String.class, workspaceId, idOrSlug, idOrSlug, idOrSlug).stream().findFirst();
	}

	private static String text(JsonNode data, String field) {
		JsonNode value = (data != null) ? data.get(field) : null;
		return (value != null && !value.isNull()) ? value.asString() : null;
	}

}
