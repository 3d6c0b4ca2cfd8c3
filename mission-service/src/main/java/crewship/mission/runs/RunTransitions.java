package crewship.mission.runs;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Timestamps;

/**
 * Every change of a run's status, each in the caller's transaction with what it causes:
 * the outbox event ({@code run.started} when a replica claims it, {@code run.updated} for
 * every later change, with CONTRACTS.md's data), the agent's {@code agent.status}, an
 * audit record, a line in the agent's log and — for a terminal status — the
 * {@link RunFinished} Spring event, so that a mission task or chat reply moves with the
 * run or not at all.
 */
@Component
public class RunTransitions {

	/** Longest output kept with a run; the rest is cut (the log frames carried it). */
	public static final int OUTPUT_MAX = 1_000_000;

	static final int SUMMARY_MAX = 500;

	/** Most output lines copied to the agent's log per run. */
	static final int OUTPUT_LOG_LINES = 50;

	private final RunStore store;

	private final DomainEvents events;

	private final AuditTrail audit;

	private final ApplicationEventPublisher publisher;

	RunTransitions(RunStore store, DomainEvents events, AuditTrail audit, ApplicationEventPublisher publisher) {
		this.store = store;
		this.events = events;
		this.audit = audit;
		this.publisher = publisher;
	}

	/** How a run ended, as the engine (or a cancel) records it. */
	public record Ending(RunStatus status, String output, String error, String runtime, String provider, String model,
			long inputTokens, long outputTokens, double costUsd) {

		public static Ending of(RunStatus status, String error) {
			return new Ending(status, null, error, null, null, null, 0, 0, 0);
		}

	}

	/**
	 * Announces a run a replica has just claimed (its row already RUNNING under the
	 * replica's lease); {@code agent.status} RUNNING only when the agent ran nothing
	 * before.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void started(Run run, boolean agentWasIdle) {
		this.events.publish("run.started", run.workspaceId(), run.id(), actor(run), data(run));
		if (agentWasIdle) {
			agentStatus(run, "RUNNING");
		}
		this.audit.record(new AuditRecord(run.workspaceId(), run.triggeredBy(), "run.started", "run", run.id(),
				metadata(run), null, null));
		this.store.log(run, Timestamps.now(), "info", "run.started", "Run " + run.id() + " started ("
				+ run.trigger().wire() + ", attempt " + run.attempt() + ", replica " + run.claimedBy() + ")");
	}

	/**
	 * Announces a run another replica had claimed and this one took over once its lease
	 * expired: {@code run.updated} (still RUNNING, {@code recovered}, the new attempt),
	 * audited and logged.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void recovered(Run run, String previousOwner) {
		this.events.publish("run.updated", run.workspaceId(), run.id(), actor(run), data(run));
		this.audit.record(
				new AuditRecord(run.workspaceId(), null, "run.recovered", "run", run.id(), metadata(run), null, null));
		this.store.log(run, Timestamps.now(), "warn", "run.recovered", "Run " + run.id() + " recovered by "
				+ run.claimedBy() + " (attempt " + run.attempt() + "): the lease of " + previousOwner + " expired");
	}

	/**
	 * Records a terminal status if the run is still where the caller believes it is:
	 * RUNNING under {@code leaseOwner}, or PENDING when {@code leaseOwner} is null.
	 * @return the finished run, or null when another replica or a cancel got there first
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Run finish(String runId, String leaseOwner, Ending ending) {
		Instant now = Timestamps.now();
		String output = (ending.output() != null && ending.output().length() > OUTPUT_MAX)
				? ending.output().substring(0, OUTPUT_MAX) : ending.output();
		List<Run> finished = this.store.jdbc()
			.query("""
					update run set status = ?, output = coalesce(?, output), error = ?,
					       runtime = coalesce(?, runtime), provider = coalesce(?, provider), model = coalesce(?, model),
					       input_tokens = ?, output_tokens = ?, cost_usd = ?, finished_at = ?,
					       duration_ms = case when started_at is null then null
					                          else (extract(epoch from (cast(? as timestamptz) - started_at)) * 1000)::bigint end,
					       lease_owner = null, lease_expires_at = null, updated_at = ?
					 where id = ? and ((cast(? as text) is null and status = 'PENDING')
					                   or (status = 'RUNNING' and lease_owner = ?))
					returning
					"""
					+ RunStore.COLUMNS, this.store.mapper(), ending.status().name(), output, ending.error(),
					ending.runtime(), ending.provider(), ending.model(), ending.inputTokens(), ending.outputTokens(),
					ending.costUsd(), Timestamp.from(now), Timestamp.from(now), Timestamp.from(now), runId, leaseOwner,
					leaseOwner);
		if (finished.isEmpty()) {
			return null;
		}
		Run run = finished.get(0);
		this.events.publish("run.updated", run.workspaceId(), run.id(), actor(run), data(run));
		Integer stillRunning = this.store.jdbc()
			.queryForObject("select count(*) from run where agent_id = ? and status = 'RUNNING'", Integer.class,
					run.agentId());
		if (stillRunning == null || stillRunning == 0) {
			agentStatus(run, (run.status() == RunStatus.FAILED) ? "ERROR" : "IDLE");
		}
		this.audit.record(new AuditRecord(run.workspaceId(), run.triggeredBy(),
				"run." + run.status().name().toLowerCase(java.util.Locale.ROOT), "run", run.id(), metadata(run), null,
				null));
		logEnding(run, now);
		this.publisher.publishEvent(new RunFinished(run.id(), run.workspaceId(), run.agentId(), run.crewId(),
				run.trigger(), run.missionId(), run.taskId(), run.chatId(), run.issueId(), run.status(),
				(run.output() != null) ? run.output() : "", run.error(),
				RunFinished.Usage.of(run.inputTokens(), run.outputTokens(), run.costUsd()), now));
		return run;
	}

	private void logEnding(Run run, Instant now) {
		if (run.output() != null && !run.output().isBlank()) {
			List<String> lines = run.output().lines().filter(line -> !line.isBlank()).toList();
			int from = Math.max(0, lines.size() - OUTPUT_LOG_LINES);
			for (String line : lines.subList(from, lines.size())) {
				this.store.log(run, now, "info", "output", line);
			}
		}
		String level = switch (run.status()) {
			case COMPLETED, CANCELLED -> "info";
			default -> "error";
		};
		String took = (run.durationMs() != null) ? " in " + run.durationMs() + " ms" : "";
		this.store.log(run, now, level, "run." + run.status().name().toLowerCase(java.util.Locale.ROOT),
				"Run " + run.id() + " " + run.status() + took + ((run.error() != null) ? ": " + run.error() : ""));
	}

	private void agentStatus(Run run, String status) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("agent_id", run.agentId());
		data.put("status", status);
		data.put("run_id", run.id());
		if (run.crewId() != null) {
			data.put("crew_id", run.crewId());
		}
		this.events.publish("agent.status", run.workspaceId(), run.agentId(), actor(run), data);
	}

	/** The data of {@code run.started} / {@code run.updated} (CONTRACTS.md). */
	public static Map<String, Object> data(Run run) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", run.id());
		data.put("agent_id", run.agentId());
		data.put("crew_id", run.crewId());
		data.put("status", run.status().name());
		data.put("trigger", run.trigger().wire());
		putIfSet(data, "issue_id", run.issueId());
		putIfSet(data, "mission_id", run.missionId());
		putIfSet(data, "task_id", run.taskId());
		putIfSet(data, "chat_id", run.chatId());
		data.put("started_at", (run.startedAt() != null) ? run.startedAt().toString() : null);
		data.put("finished_at", (run.finishedAt() != null) ? run.finishedAt().toString() : null);
		data.put("duration_ms", run.durationMs());
		data.put("error", run.error());
		data.put("summary", summary(run));
		data.put("attempt", run.attempt());
		if (run.recovered()) {
			data.put("recovered", true);
		}
		return data;
	}

	static String summary(Run run) {
		String text = run.output();
		if (text == null || text.isBlank()) {
			return null;
		}
		text = text.strip();
		return (text.length() > SUMMARY_MAX) ? text.substring(0, SUMMARY_MAX - 1) + "…" : text;
	}

	private static Map<String, Object> metadata(Run run) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("agent_id", run.agentId());
		metadata.put("trigger", run.trigger().wire());
		metadata.put("status", run.status().name());
		metadata.put("attempt", run.attempt());
		if (run.error() != null) {
			metadata.put("error", run.error());
		}
		return metadata;
	}

	private static String actor(Run run) {
		return (run.triggeredBy() != null) ? run.triggeredBy() : "mission";
	}

	private static void putIfSet(Map<String, Object> data, String field, String value) {
		if (value != null) {
			data.put(field, value);
		}
	}

}
