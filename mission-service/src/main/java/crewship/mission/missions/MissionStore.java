package crewship.mission.missions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import crewship.mission.runs.RunFinished;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rows of {@code mission} and {@code mission_task}. Status changes that race (start,
 * resume, restart) are compare-and-swap updates whose row count says who won.
 */
@Component
public class MissionStore {

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	MissionStore(JdbcTemplate jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** A mission row. */
	public record Mission(String id, String workspaceId, String crewId, String leadAgentId, String leadAgentName,
			String leadAgentSlug, String title, String description, String plan, MissionStatus status,
			String workflowTemplate, String reviewRunId, String lastEventId, String createdBy, Instant createdAt,
			Instant updatedAt, Instant startedAt, Instant completedAt) {
	}

	/** A task row. */
	public record Task(String id, String missionId, String workspaceId, String assignedAgentId, String agentName,
			String agentSlug, String title, String description, TaskStatus status, int taskOrder,
			List<String> dependsOn, int iteration, Integer maxIterations, String resultSummary, String output,
			String outputPath, String errorMessage, String runId, Long tokenCount, Double estimatedCost,
			Instant startedAt, Instant completedAt, Long durationMs, Instant createdAt, Instant updatedAt) {
	}

	private static final String MISSION_COLUMNS = """
			id, workspace_id, crew_id, lead_agent_id, lead_agent_name, lead_agent_slug, title, description, plan,
			status, workflow_template, review_run_id, last_event_id, created_by, created_at, updated_at, started_at,
			completed_at""";

	private static final String TASK_COLUMNS = """
			id, mission_id, workspace_id, assigned_agent_id, agent_name, agent_slug, title, description, status,
			task_order, depends_on, iteration, max_iterations, result_summary, output, output_path, error_message,
			run_id, token_count, estimated_cost, started_at, completed_at, duration_ms, created_at, updated_at""";

	private final RowMapper<Mission> missions = (rs, n) -> new Mission(rs.getString(1), rs.getString(2),
			rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
			rs.getString(9), MissionStatus.valueOf(rs.getString(10)), rs.getString(11), rs.getString(12),
			rs.getString(13), rs.getString(14), instant(rs, 15), instant(rs, 16), instant(rs, 17), instant(rs, 18));

	private final RowMapper<Task> tasks = (rs, n) -> new Task(rs.getString(1), rs.getString(2), rs.getString(3),
			rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
			TaskStatus.valueOf(rs.getString(9)), rs.getInt(10), ids(rs.getString(11)), rs.getInt(12),
			(Integer) rs.getObject(13), rs.getString(14), rs.getString(15), rs.getString(16), rs.getString(17),
			rs.getString(18), (Long) rs.getObject(19), (Double) rs.getObject(20), instant(rs, 21), instant(rs, 22),
			(Long) rs.getObject(23), instant(rs, 24), instant(rs, 25));

	static Instant instant(ResultSet rs, int column) throws SQLException {
		Timestamp value = rs.getTimestamp(column);
		return (value != null) ? value.toInstant() : null;
	}

	static Timestamp ts(Instant instant) {
		return (instant != null) ? Timestamp.from(instant) : null;
	}

	// --- missions

	void insert(Mission m) {
		this.jdbc.update(
				"insert into mission (" + MISSION_COLUMNS
						+ ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				m.id(), m.workspaceId(), m.crewId(), m.leadAgentId(), m.leadAgentName(), m.leadAgentSlug(), m.title(),
				m.description(), m.plan(), m.status().name(), m.workflowTemplate(), m.reviewRunId(), m.lastEventId(),
				m.createdBy(), ts(m.createdAt()), ts(m.updatedAt()), ts(m.startedAt()), ts(m.completedAt()));
	}

	public Optional<Mission> find(String workspaceId, String missionId) {
		return this.jdbc
			.query("select " + MISSION_COLUMNS + " from mission where workspace_id = ? and id = ?", this.missions,
					workspaceId, missionId)
			.stream()
			.findFirst();
	}

	/** The mission, its row locked until the transaction ends. */
	public Optional<Mission> lock(String missionId) {
		return this.jdbc
			.query("select " + MISSION_COLUMNS + " from mission where id = ? for update", this.missions, missionId)
			.stream()
			.findFirst();
	}

	List<Mission> list(String workspaceId, String crewId, MissionStatus status, int limit, int offset) {
		List<Object> args = new ArrayList<>(List.of(workspaceId));
		StringBuilder sql = new StringBuilder("select " + MISSION_COLUMNS + " from mission where workspace_id = ?");
		if (crewId != null) {
			sql.append(" and crew_id = ?");
			args.add(crewId);
		}
		if (status != null) {
			sql.append(" and status = ?");
			args.add(status.name());
		}
		sql.append(" order by created_at desc, id desc limit ? offset ?");
		args.add(limit);
		args.add(offset);
		return this.jdbc.query(sql.toString(), this.missions, args.toArray());
	}

	/**
	 * Compare-and-swap: moves the mission only while its status is one of {@code from}.
	 * @return whether this call moved it
	 */
	public boolean moveStatus(String missionId, MissionStatus to, MissionStatus... from) {
		Instant now = Instant.now();
		List<Object> args = new ArrayList<>(
				List.of(to.name(), ts(now), to.name(), ts(now), to.name(), ts(now), to.name(), missionId));
		Arrays.stream(from).map(Enum::name).forEach(args::add);
		return this.jdbc.update("""
				update mission set status = ?, updated_at = ?,
				       started_at = case when ? = 'IN_PROGRESS' and started_at is null then ? else started_at end,
				       completed_at = case when ? in ('COMPLETED', 'FAILED', 'CANCELLED') then ?
				                           when ? = 'PLANNING' then null else completed_at end
				 where id = ? and status in (""" + placeholders(from.length) + ")", args.toArray()) == 1;
	}

	void updateFields(String missionId, String title, String description, String plan) {
		this.jdbc.update("""
				update mission set title = coalesce(?, title), description = coalesce(?, description),
				       plan = coalesce(?, plan), updated_at = now() where id = ?
				""", title, description, plan, missionId);
	}

	public void setReviewRun(String missionId, String runId) {
		this.jdbc.update("update mission set review_run_id = ?, updated_at = now() where id = ?", runId, missionId);
	}

	public void setLastEvent(String missionId, String eventId) {
		this.jdbc.update("update mission set last_event_id = ? where id = ?", eventId, missionId);
	}

	void delete(String missionId) {
		this.jdbc.update("delete from mission where id = ?", missionId);
	}

	// --- tasks

	public List<Task> tasks(String missionId) {
		return this.jdbc.query(
				"select " + TASK_COLUMNS
						+ " from mission_task where mission_id = ? order by task_order, created_at, id",
				this.tasks, missionId);
	}

	/** The tasks of many missions at once (lists with {@code include_tasks}). */
	List<Task> tasks(List<String> missionIds) {
		if (missionIds.isEmpty()) {
			return List.of();
		}
		return this.jdbc.query("select " + TASK_COLUMNS + " from mission_task where mission_id in ("
				+ placeholders(missionIds.size()) + ") order by task_order, created_at, id", this.tasks,
				missionIds.toArray());
	}

	public Optional<Task> task(String missionId, String taskId) {
		return this.jdbc
			.query("select " + TASK_COLUMNS + " from mission_task where mission_id = ? and id = ?", this.tasks,
					missionId, taskId)
			.stream()
			.findFirst();
	}

	void insertTask(Task t) {
		this.jdbc.update(
				"insert into mission_task (" + TASK_COLUMNS
						+ ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				t.id(), t.missionId(), t.workspaceId(), t.assignedAgentId(), t.agentName(), t.agentSlug(), t.title(),
				t.description(), t.status().name(), t.taskOrder(), idsJson(t.dependsOn()), t.iteration(),
				t.maxIterations(), t.resultSummary(), t.output(), t.outputPath(), t.errorMessage(), t.runId(),
				t.tokenCount(), t.estimatedCost(), ts(t.startedAt()), ts(t.completedAt()), t.durationMs(),
				ts(t.createdAt()), ts(t.updatedAt()));
	}

	/** The task now runs as this run of this agent. */
	public void startTask(String taskId, String runId, String agentId, String agentName, String agentSlug) {
		this.jdbc.update("""
				update mission_task set status = 'IN_PROGRESS', run_id = ?, assigned_agent_id = ?,
				       agent_name = coalesce(?, agent_name), agent_slug = coalesce(?, agent_slug), error_message = null,
				       started_at = now(), completed_at = null, duration_ms = null, updated_at = now()
				 where id = ?
				""", runId, agentId, agentName, agentSlug, taskId);
	}

	/** The task ended (COMPLETED or FAILED) with what its run produced. */
	public void finishTask(String taskId, TaskStatus status, String resultSummary, String output, String error) {
		this.jdbc.update("""
				update mission_task set status = ?, result_summary = coalesce(?, result_summary),
				       output = coalesce(?, output), error_message = ?, completed_at = now(),
				       duration_ms = case when started_at is null then null
				                          else (extract(epoch from (now() - started_at)) * 1000)::bigint end,
				       updated_at = now()
				 where id = ?
				""", status.name(), resultSummary, output, error, taskId);
	}

	/** Adds a run's tokens (in and out) and estimated cost to its task's totals. */
	public void addTaskUsage(String taskId, RunFinished.Usage usage) {
		if (usage == null || usage.isNone()) {
			return;
		}
		this.jdbc.update("""
				update mission_task set token_count = coalesce(token_count, 0) + ?,
				       estimated_cost = coalesce(estimated_cost, 0) + ?, updated_at = now()
				 where id = ?
				""", usage.tokens(), usage.costUsd(), taskId);
	}

	/** Back to waiting (PENDING or BLOCKED): its run, error and times cleared. */
	public void resetTask(String taskId, TaskStatus status, boolean nextIteration) {
		this.jdbc.update("""
				update mission_task set status = ?, iteration = iteration + ?, error_message = null, run_id = null,
				       result_summary = null, output = null, started_at = null, completed_at = null,
				       duration_ms = null, updated_at = now()
				 where id = ?
				""", status.name(), nextIteration ? 1 : 0, taskId);
	}

	public void setTaskStatus(String taskId, TaskStatus status) {
		this.jdbc.update("update mission_task set status = ?, updated_at = now() where id = ?", status.name(), taskId);
	}

	/** The task whose current run this is, if any. */
	public Optional<Task> taskByRun(String runId) {
		return this.jdbc.query("select " + TASK_COLUMNS + " from mission_task where run_id = ?", this.tasks, runId)
			.stream()
			.findFirst();
	}

	/** Writes every mutable column of the task as given. */
	public void updateTask(Task t) {
		this.jdbc.update("""
				update mission_task set assigned_agent_id = ?, agent_name = ?, agent_slug = ?, title = ?,
				       description = ?, status = ?, depends_on = ?, iteration = ?, max_iterations = ?,
				       result_summary = ?, output = ?, output_path = ?, error_message = ?, run_id = ?, token_count = ?,
				       estimated_cost = ?, started_at = ?, completed_at = ?, duration_ms = ?, updated_at = now()
				 where id = ?
				""", t.assignedAgentId(), t.agentName(), t.agentSlug(), t.title(), t.description(), t.status().name(),
				idsJson(t.dependsOn()), t.iteration(), t.maxIterations(), t.resultSummary(), t.output(), t.outputPath(),
				t.errorMessage(), t.runId(), t.tokenCount(), t.estimatedCost(), ts(t.startedAt()), ts(t.completedAt()),
				t.durationMs(), t.id());
	}

	static String placeholders(int count) {
		return String.join(", ", java.util.Collections.nCopies(count, "?"));
	}

	String idsJson(List<String> ids) {
		return this.json.writeValueAsString(ids);
	}

	List<String> ids(String text) {
		if (text == null || text.isBlank()) {
			return List.of();
		}
		JsonNode node = this.json.readTree(text);
		List<String> ids = new ArrayList<>();
		node.forEach(id -> ids.add(id.asString()));
		return List.copyOf(ids);
	}

}
