package crewship.mission.runs;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code run} and {@code run_log} tables. */
@Component
public class RunStore {

	/** Longest log line kept; a longer one is cut. */
	public static final int LOG_LINE_MAX = 2000;

	public static final String COLUMNS = """
			id, workspace_id, agent_id, crew_id, trigger, status, prompt, conversation, mission_id, task_id, chat_id,
			issue_id, tags, dedup_key, triggered_by, output, error, runtime, provider, model, input_tokens,
			output_tokens, cost_usd, attempt, recovered, claimed_by, lease_owner, lease_expires_at,
			cancel_requested_at, cancel_reason, created_at, started_at, finished_at, duration_ms, trace_parent""";

	private static final TypeReference<List<NewRun.Turn>> TURNS = new TypeReference<>() {
	};

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final RowMapper<Run> mapper = this::map;

	RunStore(JdbcTemplate jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	public JdbcTemplate jdbc() {
		return this.jdbc;
	}

	public RowMapper<Run> mapper() {
		return this.mapper;
	}

	/**
	 * Inserts a PENDING run unless the agent has a run with the same dedup key.
	 * @return the new id, or empty when the key matched
	 */
	Optional<String> insert(String id, NewRun run, Instant now, String traceParent) {
		List<String> inserted = this.jdbc.queryForList("""
				insert into run (id, workspace_id, agent_id, crew_id, trigger, status, prompt, conversation, mission_id,
				    task_id, chat_id, issue_id, tags, dedup_key, triggered_by, created_at, updated_at, trace_parent)
				values (?, ?, ?, ?, ?, 'PENDING', ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				on conflict (agent_id, dedup_key) where dedup_key is not null do nothing
				returning id
				""", String.class, id, run.workspaceId(), run.agentId(), run.crewId(), run.trigger().name(),
				run.prompt(),
				this.json.writeValueAsString((run.conversation() != null) ? run.conversation() : List.of()),
				run.missionId(), run.taskId(), run.chatId(), run.issueId(),
				(run.tags() != null) ? run.tags().toArray(String[]::new) : new String[0], run.dedupKey(), run.actor(),
				Timestamp.from(now), Timestamp.from(now), traceParent);
		return inserted.stream().findFirst();
	}

	Optional<String> idByDedupKey(String agentId, String dedupKey) {
		return this.jdbc
			.queryForList("select id from run where agent_id = ? and dedup_key = ?", String.class, agentId, dedupKey)
			.stream()
			.findFirst();
	}

	public Optional<Run> find(String workspaceId, String id) {
		return this.jdbc
			.query("select " + COLUMNS + " from run where workspace_id = ? and id = ?", this.mapper, workspaceId, id)
			.stream()
			.findFirst();
	}

	public Optional<Run> find(String id) {
		return this.jdbc.query("select " + COLUMNS + " from run where id = ?", this.mapper, id).stream().findFirst();
	}

	/** Locks the run's row for the caller's transaction. */
	Optional<Run> lock(String workspaceId, String id) {
		return this.jdbc
			.query("select " + COLUMNS + " from run where workspace_id = ? and id = ? for update", this.mapper,
					workspaceId, id)
			.stream()
			.findFirst();
	}

	public List<Run> findAll(Collection<String> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return this.jdbc.query("select " + COLUMNS + " from run where id = any(?)", this.mapper,
				(Object) ids.toArray(String[]::new));
	}

	/** Appends a line to the agent's log (cut to {@link #LOG_LINE_MAX}). */
	public void log(Run run, Instant ts, String level, String event, String content) {
		String line = (content.length() > LOG_LINE_MAX) ? content.substring(0, LOG_LINE_MAX) + "…" : content;
		this.jdbc.update("""
				insert into run_log (run_id, workspace_id, agent_id, ts, level, event, content)
				values (?, ?, ?, ?, ?, ?, ?)
				""", run.id(), run.workspaceId(), run.agentId(), Timestamp.from(ts), level, event, line);
	}

	private Run map(ResultSet rs, int n) throws SQLException {
		String conversation = rs.getString("conversation");
		return new Run(rs.getString("id"), rs.getString("workspace_id"), rs.getString("agent_id"),
				rs.getString("crew_id"), Trigger.valueOf(rs.getString("trigger")),
				RunStatus.valueOf(rs.getString("status")), rs.getString("prompt"),
				(conversation != null) ? this.json.readValue(conversation, TURNS) : List.of(),
				rs.getString("mission_id"), rs.getString("task_id"), rs.getString("chat_id"), rs.getString("issue_id"),
				strings(rs.getArray("tags")), rs.getString("dedup_key"), rs.getString("triggered_by"),
				rs.getString("output"), rs.getString("error"), rs.getString("runtime"), rs.getString("provider"),
				rs.getString("model"), longOrNull(rs, "input_tokens"), longOrNull(rs, "output_tokens"),
				doubleOrNull(rs, "cost_usd"), rs.getInt("attempt"), rs.getBoolean("recovered"),
				rs.getString("claimed_by"), rs.getString("lease_owner"), instant(rs, "lease_expires_at"),
				instant(rs, "cancel_requested_at"), rs.getString("cancel_reason"), instant(rs, "created_at"),
				instant(rs, "started_at"), instant(rs, "finished_at"), longOrNull(rs, "duration_ms"),
				rs.getString("trace_parent"));
	}

	static List<String> strings(Array array) throws SQLException {
		if (array == null) {
			return List.of();
		}
		return new ArrayList<>(Arrays.asList((String[]) array.getArray()));
	}

	static Long longOrNull(ResultSet rs, String column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

	static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
		double value = rs.getDouble(column);
		return rs.wasNull() ? null : value;
	}

	static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp value = rs.getTimestamp(column);
		return (value != null) ? value.toInstant() : null;
	}

}
