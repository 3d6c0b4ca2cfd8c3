package crewship.mission.pipelines;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.journal.Journal;
import crewship.mission.journal.NewEntry;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import crewship.platform.ids.Timestamps;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pipeline runs as far as this suite has them: each pipeline-webhook delivery
 * ({@code webhook.delivery}, target PIPELINE) is a run, its id the delivery id the
 * dispatch answered, recorded once and journaled as {@code pipeline.run_queued}; the
 * pipelines are those the workspace's pipeline webhooks name (from
 * {@code pipeline_webhook.created/deleted}). No pipeline executor exists yet, so a run
 * stays {@code queued} — listed truthfully as such, never as done.
 */
@Component
public class PipelineRuns {

	static final String CONSUMER_TARGETS = "mission.pipeline-targets";

	static final String CONSUMER_RUNS = "mission.pipeline-runs";

	static final int MAX_INPUT_CHARS = 65_536;

	private static final Logger log = LoggerFactory.getLogger(PipelineRuns.class);

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final Journal journal;

	private final TransactionTemplate transactions;

	PipelineRuns(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed, Journal journal,
			PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.journal = journal;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	@KafkaListener(topics = "crewship.webhook.v1", groupId = "${spring.application.name}.pipeline-targets")
	void onWebhookEvent(ConsumerRecord<String, String> record) {
		EventEnvelope event = read(record);
		if (event == null || event.workspaceId() == null || event.data() == null
				|| !(event.type() != null && event.type().startsWith("pipeline_webhook."))) {
			return;
		}
		JsonNode data = event.data();
		String webhookId = text(data, "id");
		if (webhookId == null) {
			return;
		}
		Timestamp time = Timestamp.from(event.time());
		this.transactions.executeWithoutResult(tx -> {
			if (!this.processed.markApplied(CONSUMER_TARGETS, event.id())) {
				return;
			}
			boolean deleted = event.type().equals("pipeline_webhook.deleted");
			JsonNode version = data.get("target_pipeline_version");
			JsonNode enabled = data.get("enabled");
			this.jdbc.update(
					"""
							insert into pipeline_webhook_target (webhook_id, workspace_id, name, pipeline_id, pipeline_slug,
							    pipeline_version, enabled, deleted, created_at, updated_at)
							values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
							on conflict (webhook_id) do update
							   set name = coalesce(excluded.name, pipeline_webhook_target.name),
							       pipeline_id = coalesce(excluded.pipeline_id, pipeline_webhook_target.pipeline_id),
							       pipeline_slug = coalesce(excluded.pipeline_slug, pipeline_webhook_target.pipeline_slug),
							       pipeline_version = coalesce(excluded.pipeline_version, pipeline_webhook_target.pipeline_version),
							       enabled = excluded.enabled,
							       deleted = pipeline_webhook_target.deleted or excluded.deleted,
							       updated_at = greatest(excluded.updated_at, pipeline_webhook_target.updated_at)
							""",
					webhookId, event.workspaceId(), text(data, "name"), text(data, "target_pipeline_id"),
					text(data, "target_pipeline_slug"),
					(version != null && version.isIntegralNumber()) ? version.asInt() : null,
					enabled == null || enabled.asBoolean(), deleted, time, time);
		});
	}

	@KafkaListener(topics = "crewship.webhook.deliveries.v1", groupId = "${spring.application.name}.pipeline-runs")
	void onDelivery(ConsumerRecord<String, String> record) {
		EventEnvelope event = read(record);
		if (event != null && "webhook.delivery".equals(event.type()) && event.data() != null
				&& "PIPELINE".equals(text(event.data(), "target_kind"))) {
			record(event);
		}
	}

	/** Records the run a pipeline delivery starts, once. */
	void record(EventEnvelope event) {
		JsonNode data = event.data();
		String runId = text(data, "delivery_id");
		String webhookId = text(data, "target_id");
		String workspaceId = (event.workspaceId() != null) ? event.workspaceId() : text(data, "workspace_id");
		if (runId == null || webhookId == null || workspaceId == null) {
			return;
		}
		JsonNode inputs = data.get("inputs");
		String inputText = (inputs != null && inputs.isObject()) ? this.json.writeValueAsString(inputs) : null;
		if (inputText != null && inputText.length() > MAX_INPUT_CHARS) {
			inputText = "{\"truncated\":true}";
		}
		String storedInputs = inputText;
		this.transactions.executeWithoutResult(tx -> {
			if (!this.processed.markApplied(CONSUMER_RUNS, event.id())) {
				return;
			}
			int inserted = this.jdbc.update("""
					insert into pipeline_run (id, workspace_id, webhook_id, status, idempotency_key, inputs,
					    triggered_via, started_at)
					values (?, ?, ?, 'queued', ?, ?, 'webhook', ?) on conflict (id) do nothing
					""", runId, workspaceId, webhookId, text(data, "dedup_key"), storedInputs,
					Timestamp.from(event.time()));
			if (inserted == 1) {
				Map<String, Object> payload = new LinkedHashMap<>();
				payload.put("run_id", runId);
				payload.put("webhook_id", webhookId);
				payload.put("status", "queued");
				this.journal.append(new NewEntry(event.id(), workspaceId, event.time(), "pipeline.run_queued", "info",
						"system", null, text(data, "crew_id"), null, null, runId,
						"pipeline run queued by webhook " + webhookId, this.json.valueToTree(payload),
						Map.of("source_event_id", event.id(), "source_topic", "crewship.webhook.deliveries.v1"), null));
			}
		});
	}

	private static final String RUN_SELECT = """
			select r.id, r.workspace_id, r.status, r.idempotency_key, r.inputs, r.triggered_via, r.webhook_id,
			       r.cancel_requested, r.cost_usd, r.error_message, r.started_at, r.ended_at,
			       t.pipeline_id, t.pipeline_slug, t.name as webhook_name
			  from pipeline_run r left join pipeline_webhook_target t on t.webhook_id = r.webhook_id
			""";

	List<Map<String, Object>> list(String workspaceId, String status, Instant since, int limit) {
		StringBuilder sql = new StringBuilder(RUN_SELECT + " where r.workspace_id = ?");
		List<Object> args = new ArrayList<>(List.of(workspaceId));
		if (status != null) {
			sql.append(" and r.status = ?");
			args.add(status);
		}
		if (since != null) {
			sql.append(" and r.started_at >= ?");
			args.add(Timestamp.from(since));
		}
		sql.append(" order by r.started_at desc, r.id desc limit ?");
		args.add(limit);
		return this.jdbc.query(sql.toString(), (rs, n) -> run(rs), args.toArray());
	}

	Optional<Map<String, Object>> get(String workspaceId, String runId) {
		return this.jdbc
			.query(RUN_SELECT + " where r.workspace_id = ? and r.id = ?", (rs, n) -> run(rs), workspaceId, runId)
			.stream()
			.findFirst();
	}

	List<Map<String, Object>> active(String workspaceId) {
		return this.jdbc.query(RUN_SELECT + """
				 where r.workspace_id = ? and r.status in ('queued', 'running')
				 order by r.started_at desc limit 100
				""", (rs, n) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("run_id", rs.getString("id"));
			row.put("workspace_id", rs.getString("workspace_id"));
			putIfPresent(row, "pipeline_id", rs.getString("pipeline_id"));
			putIfPresent(row, "pipeline_slug", rs.getString("pipeline_slug"));
			row.put("started_at", rs.getTimestamp("started_at").toInstant().toString());
			row.put("cancel_requested", rs.getBoolean("cancel_requested"));
			return row;
		}, workspaceId);
	}

	/**
	 * The pipelines the workspace's live pipeline webhooks name, one row per pipeline.
	 */
	List<Map<String, Object>> pipelines(String workspaceId) {
		return this.jdbc.query("""
				select coalesce(pipeline_id, pipeline_slug) as id, max(pipeline_slug) as slug, max(name) as name,
				       max(pipeline_version) as version, bool_or(enabled) as enabled, min(created_at) as created_at,
				       max(updated_at) as updated_at
				  from pipeline_webhook_target
				 where workspace_id = ? and not deleted and coalesce(pipeline_id, pipeline_slug) is not null
				 group by 1 order by 1 limit 500
				""", (rs, n) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", rs.getString("id"));
			row.put("workspace_id", workspaceId);
			row.put("slug", (rs.getString("slug") != null) ? rs.getString("slug") : rs.getString("id"));
			row.put("name", (rs.getString("name") != null) ? rs.getString("name") : rs.getString("id"));
			if (rs.getObject("version") != null) {
				row.put("version", rs.getInt("version"));
			}
			row.put("enabled", rs.getBoolean("enabled"));
			row.put("created_at", rs.getTimestamp("created_at").toInstant().toString());
			row.put("updated_at", rs.getTimestamp("updated_at").toInstant().toString());
			return row;
		}, workspaceId);
	}

	private Map<String, Object> run(ResultSet rs) throws SQLException {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", rs.getString("id"));
		row.put("workspace_id", rs.getString("workspace_id"));
		putIfPresent(row, "pipeline_id", rs.getString("pipeline_id"));
		putIfPresent(row, "pipeline_slug", rs.getString("pipeline_slug"));
		putIfPresent(row, "pipeline_name", rs.getString("webhook_name"));
		row.put("status", rs.getString("status"));
		row.put("mode", "live");
		row.put("triggered_via", rs.getString("triggered_via"));
		row.put("triggered_by_id", rs.getString("webhook_id"));
		putIfPresent(row, "idempotency_key", rs.getString("idempotency_key"));
		String inputs = rs.getString("inputs");
		if (inputs != null) {
			row.put("inputs", this.json.readTree(inputs));
		}
		row.put("is_replay", false);
		Instant started = rs.getTimestamp("started_at").toInstant();
		row.put("started_at", started.toString());
		Timestamp ended = rs.getTimestamp("ended_at");
		if (ended != null) {
			row.put("ended_at", ended.toInstant().toString());
			row.put("duration_ms", ended.toInstant().toEpochMilli() - started.toEpochMilli());
		}
		if (rs.getBigDecimal("cost_usd") != null) {
			row.put("cost_usd", rs.getBigDecimal("cost_usd").doubleValue());
		}
		putIfPresent(row, "error_message", rs.getString("error_message"));
		return row;
	}

	private static void putIfPresent(Map<String, Object> row, String key, Object value) {
		if (value != null) {
			row.put(key, value);
		}
	}

	private EventEnvelope read(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			return null;
		}
		try {
			return this.json.readValue(record.value(), EventEnvelope.class);
		}
		catch (JacksonException ex) {
			log.warn("Skipped an unreadable record at {}-{}@{}", record.topic(), record.partition(), record.offset());
			return null;
		}
	}

	private static String text(JsonNode data, String field) {
		JsonNode value = data.get(field);
		return (value == null || value.isNull() || value.isContainer() || value.asString().isBlank()) ? null
				: value.asString();
	}

}
