package crewship.issue.runs;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.issue.directory.Events;
import crewship.issue.issues.IssueLifecycle;
import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Timestamps;
import crewship.platform.events.ProcessedEvents;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runs of issues, from mission-service's {@code run.started} / {@code run.updated}
 * (CONTRACTS.md): kept per run, idempotently by event id, and never moved back — a status
 * of lower rank (PENDING < RUNNING < a terminal one) does not overwrite a higher one. A
 * change of the issue's newest run drives the issue (IssueLifecycle).
 */
@Component
public class RunProjection {

	static final String TOPIC = "crewship.mission.v1";

	static final String CONSUMER = "issue.runs";

	static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT");

	private static final Logger log = LoggerFactory.getLogger(RunProjection.class);

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	private final IssueLifecycle lifecycle;

	RunProjection(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactionManager, IssueLifecycle lifecycle) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
		this.lifecycle = lifecycle;
	}

	@KafkaListener(topics = TOPIC, groupId = "${spring.application.name}.runs")
	void onMissionEvent(ConsumerRecord<String, String> record) {
		if (record.value() != null) {
			apply(this.json.readValue(record.value(), EventEnvelope.class));
		}
	}

	/** Applies one event once, in its own transaction with its processed-event mark. */
	public void apply(EventEnvelope event) {
		if (!"run.started".equals(event.type()) && !"run.updated".equals(event.type())) {
			return;
		}
		JsonNode data = event.data();
		String issueId = Events.text(data, "issue_id");
		String runId = Events.text(data, "id");
		String status = Events.text(data, "status");
		if (issueId == null || runId == null || status == null || event.workspaceId() == null) {
			return;
		}
		this.transactions.executeWithoutResult(tx -> {
			if (!this.processed.markApplied(CONSUMER, event.id())) {
				return;
			}
			Integer known = this.jdbc.queryForObject("select count(*) from issue where id = ? and workspace_id = ?",
					Integer.class, issueId, event.workspaceId());
			if (known == null || known == 0) {
				log.debug("Run {} names issue {}, unknown here", runId, issueId);
				return;
			}
			String agentId = Events.text(data, "agent_id");
			Instant startedAt = instant(data, "started_at");
			Instant finishedAt = instant(data, "finished_at");
			JsonNode duration = data.get("duration_ms");
			Long durationMs = (duration != null && duration.isNumber()) ? duration.asLong() : null;
			List<String> applied = this.jdbc.queryForList("""
					insert into issue_run (run_id, workspace_id, issue_id, agent_id, status, status_rank, started_at,
					    finished_at, duration_ms, error, summary, created_at, event_time)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
					on conflict (run_id) do update
					   set agent_id = coalesce(excluded.agent_id, issue_run.agent_id), status = excluded.status,
					       status_rank = excluded.status_rank,
					       started_at = coalesce(excluded.started_at, issue_run.started_at),
					       finished_at = coalesce(excluded.finished_at, issue_run.finished_at),
					       duration_ms = coalesce(excluded.duration_ms, issue_run.duration_ms),
					       error = coalesce(excluded.error, issue_run.error),
					       summary = coalesce(excluded.summary, issue_run.summary), event_time = excluded.event_time
					 where issue_run.status_rank < excluded.status_rank
					    or (issue_run.status_rank = excluded.status_rank and excluded.status_rank < 2
					        and issue_run.event_time < excluded.event_time)
					returning run_id
					""", String.class, runId, event.workspaceId(), issueId, agentId, status, rank(status),
					timestamp(startedAt), timestamp(finishedAt), durationMs, Events.text(data, "error"),
					Events.text(data, "summary"), Timestamp.from(Timestamps.now()), Timestamp.from(event.time()));
			if (applied.isEmpty() || !newestOf(issueId, runId)) {
				return; // an older status of this run, or a run superseded by a newer one
			}
			if (status.equals("RUNNING")) {
				this.lifecycle.runStarted(event.workspaceId(), issueId, agentId);
			}
			else if (TERMINAL.contains(status)) {
				this.lifecycle.runEnded(event.workspaceId(), issueId, agentId, status, Events.text(data, "error"));
			}
		});
	}

	/** Whether the run is the issue's most recent one. */
	private boolean newestOf(String issueId, String runId) {
		List<String> newest = this.jdbc.queryForList("""
				select run_id from issue_run where issue_id = ?
				 order by coalesce(started_at, created_at) desc, created_at desc, run_id desc limit 1
				""", String.class, issueId);
		return !newest.isEmpty() && newest.get(0).equals(runId);
	}

	static int rank(String status) {
		if (TERMINAL.contains(status)) {
			return 2;
		}
		return status.equals("RUNNING") ? 1 : 0;
	}

	private static Instant instant(JsonNode data, String field) {
		String value = Events.text(data, field);
		try {
			return (value != null) ? Instant.parse(value) : null;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static Timestamp timestamp(Instant instant) {
		return (instant != null) ? Timestamp.from(instant) : null;
	}

}
