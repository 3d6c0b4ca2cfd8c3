package crewship.mission.runs;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import crewship.mission.agents.AgentDirectory;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/** The runs API's reads: the filtered list with its tiles, one run, the insights. */
@Component
class RunQueries {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_PAGE = 10_000;

	/**
	 * Most runs an insights window scans; beyond it the answer says {@code truncated}.
	 */
	static final int INSIGHTS_SCAN_MAX = 50_000;

	static final int INSIGHTS_TOP = 8;

	static final Map<String, Duration> WINDOWS = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d",
			Duration.ofDays(30));

	static final Set<String> STATUSES = Set.of("PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT");

	private final RunStore store;

	private final AgentDirectory agents;

	RunQueries(RunStore store, AgentDirectory agents) {
		this.store = store;
		this.agents = agents;
	}

	/** A list query, as the page reads its parameters. */
	record Filter(String status, String agentId, String trigger, String tag) {
	}

	record Page(List<RunView> data, Map<String, Integer> stats, Map<String, Integer> pagination) {
	}

	@Transactional(readOnly = true)
	Page list(String workspaceId, Filter filter, String pageParam, String limitParam) {
		if (filter.status() != null && !STATUSES.contains(filter.status())) {
			throw ProblemException
				.badRequest("status must be one of RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT" + " (or PENDING)");
		}
		int limit = number(limitParam, DEFAULT_LIMIT);
		if (limit < 1 || limit > 100) {
			limit = DEFAULT_LIMIT;
		}
		int page = Math.min(Math.max(1, number(pageParam, 1)), MAX_PAGE);
		StringBuilder where = new StringBuilder(" where workspace_id = ?");
		List<Object> args = new ArrayList<>(List.of(workspaceId));
		if (filter.status() != null) {
			where.append(" and status = ?");
			args.add(filter.status());
		}
		if (filter.agentId() != null) {
			where.append(" and agent_id = ?");
			args.add(filter.agentId());
		}
		if (filter.trigger() != null) {
			where.append(" and trigger = ?");
			args.add(filter.trigger().toUpperCase(java.util.Locale.ROOT));
		}
		if (filter.tag() != null) {
			where.append(" and ? = any(tags)");
			args.add(filter.tag());
		}
		Integer total = this.store.jdbc()
			.queryForObject("select count(*) from run" + where, Integer.class, args.toArray());
		List<Object> pageArgs = new ArrayList<>(args);
		pageArgs.add(limit);
		pageArgs.add((page - 1) * limit);
		List<Run> runs = this.store.jdbc()
			.query("select " + RunStore.COLUMNS + " from run" + where
					+ " order by created_at desc, id desc limit ? offset ?", this.store.mapper(), pageArgs.toArray());
		Map<String, Integer> pagination = new LinkedHashMap<>();
		pagination.put("page", page);
		pagination.put("limit", limit);
		pagination.put("total", (total != null) ? total : 0);
		pagination.put("total_pages", (total == null || total == 0) ? 0 : (total + limit - 1) / limit);
		return new Page(views(workspaceId, runs), stats(workspaceId), pagination);
	}

	/** The tiles: running now, started today (UTC), failed or timed out today. */
	Map<String, Integer> stats(String workspaceId) {
		Timestamp today = Timestamp.from(LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant());
		return this.store.jdbc().queryForObject("""
				select count(*) filter (where status = 'RUNNING'),
				       count(*) filter (where started_at >= ?),
				       count(*) filter (where status in ('FAILED', 'TIMEOUT') and finished_at >= ?)
				  from run where workspace_id = ? and (status = 'RUNNING' or created_at >= ? or finished_at >= ?)
				""", (rs, n) -> {
			Map<String, Integer> stats = new LinkedHashMap<>();
			stats.put("running", rs.getInt(1));
			stats.put("today", rs.getInt(2));
			stats.put("failed", rs.getInt(3));
			return stats;
		}, today, today, workspaceId, Timestamp.from(today.toInstant().minus(Duration.ofDays(1))), today);
	}

	@Transactional(readOnly = true)
	RunView one(String workspaceId, String id) {
		Run run = this.store.find(workspaceId, id).orElseThrow(() -> ProblemException.notFound("Run not found"));
		return RunView.of(run, this.agents.named(workspaceId, run.agentId()).orElse(null), true);
	}

	/** An agent's runs, newest first, every trigger unless one is asked for. */
	@Transactional(readOnly = true)
	List<RunView> ofAgent(String workspaceId, String agentId, String trigger, String status, int limit, int offset) {
		StringBuilder where = new StringBuilder(" where workspace_id = ? and agent_id = ?");
		List<Object> args = new ArrayList<>(List.of(workspaceId, agentId));
		if (trigger != null && !trigger.isBlank()) {
			where.append(" and trigger = ?");
			args.add(trigger.trim().toUpperCase(java.util.Locale.ROOT));
		}
		if (status != null && !status.isBlank()) {
			if (!STATUSES.contains(status)) {
				throw ProblemException.badRequest("Unknown status " + status);
			}
			where.append(" and status = ?");
			args.add(status);
		}
		args.add(limit);
		args.add(offset);
		List<Run> runs = this.store.jdbc()
			.query("select " + RunStore.COLUMNS + " from run" + where
					+ " order by created_at desc, id desc limit ? offset ?", this.store.mapper(), args.toArray());
		return views(workspaceId, runs);
	}

	private List<RunView> views(String workspaceId, List<Run> runs) {
		Map<String, AgentDirectory.Named> names = this.agents.names(workspaceId,
				runs.stream().map(Run::agentId).distinct().toList());
		return runs.stream().map(run -> RunView.of(run, names.get(run.agentId()), false)).toList();
	}

	@Transactional(readOnly = true)
	Map<String, Object> insights(String workspaceId, String windowParam) {
		String window = (windowParam == null || windowParam.isBlank()) ? "24h" : windowParam.trim();
		Duration span = WINDOWS.get(window);
		if (span == null) {
			throw ProblemException.badRequest("window must be one of 24h, 7d, 30d");
		}
		Timestamp since = Timestamp.from(Timestamps.now().minus(span));
		String scanned = """
				with w as (select trigger, status, model, runtime, crew_id, agent_id, duration_ms from run
				            where workspace_id = ? and created_at >= ? order by created_at desc limit ?)
				""";
		Object[] args = { workspaceId, since, INSIGHTS_SCAN_MAX + 1 };
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("window", window);
		Map<String, Object> totals = this.store.jdbc()
			.queryForObject(
					scanned + """
							select count(*), count(*) filter (where status = 'COMPLETED'),
							       count(*) filter (where status in ('FAILED', 'TIMEOUT')), count(*) filter (where status = 'RUNNING'),
							       percentile_cont(0.5) within group (order by duration_ms),
							       percentile_cont(0.95) within group (order by duration_ms)
							  from w
							""",
					(rs, n) -> {
						Map<String, Object> row = new LinkedHashMap<>();
						row.put("total", Math.min(rs.getInt(1), INSIGHTS_SCAN_MAX));
						row.put("succeeded", rs.getInt(2));
						row.put("failed", rs.getInt(3));
						row.put("running", rs.getInt(4));
						row.put("p50_ms", Math.round(rs.getDouble(5)));
						row.put("p95_ms", Math.round(rs.getDouble(6)));
						row.put("truncated", rs.getInt(1) > INSIGHTS_SCAN_MAX);
						return row;
					}, args);
		answer.put("totals", Map.of("total", totals.get("total"), "succeeded", totals.get("succeeded"), "failed",
				totals.get("failed"), "running", totals.get("running")));
		answer.put("duration", Map.of("p50_ms", totals.get("p50_ms"), "p95_ms", totals.get("p95_ms")));
		answer.put("by_trigger", breakdown(scanned + """
				select trigger, count(*), count(*) filter (where status in ('FAILED', 'TIMEOUT'))
				  from w group by trigger order by count(*) desc, trigger
				""", args));
		answer.put("by_model",
				breakdown(
						scanned + """
								select coalesce(model, runtime, 'unknown'), count(*), count(*) filter (where status in ('FAILED', 'TIMEOUT'))
								  from w group by 1 order by count(*) desc, 1
								""",
						args));
		answer.put("by_crew",
				this.store.jdbc()
					.query(scanned
							+ """
									select coalesce(w.crew_id, ''), min(c.name), count(*), count(*) filter (where w.status in ('FAILED', 'TIMEOUT'))
									  from w left join crew_profile c on c.crew_id = w.crew_id
									 group by 1 order by count(*) desc, 1 limit ?
									""",
							(rs, n) -> {
								Map<String, Object> row = new LinkedHashMap<>();
								row.put("id", rs.getString(1));
								row.put("name", (rs.getString(2) != null) ? rs.getString(2) : "—");
								row.put("total", rs.getInt(3));
								row.put("failed", rs.getInt(4));
								return row;
							}, workspaceId, since, INSIGHTS_SCAN_MAX + 1, INSIGHTS_TOP));
		answer.put("top_agents", this.store.jdbc().query(scanned + """
				select w.agent_id, min(a.name), min(c.name), count(*),
				       count(*) filter (where w.status in ('FAILED', 'TIMEOUT'))
				  from w left join agent_profile a on a.agent_id = w.agent_id
				  left join crew_profile c on c.crew_id = a.crew_id
				 group by w.agent_id order by count(*) desc, w.agent_id limit ?
				""", (rs, n) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", rs.getString(1));
			row.put("name", (rs.getString(2) != null) ? rs.getString(2) : rs.getString(1));
			row.put("crew_name", (rs.getString(3) != null) ? rs.getString(3) : "—");
			row.put("total", rs.getInt(4));
			row.put("failed", rs.getInt(5));
			return row;
		}, workspaceId, since, INSIGHTS_SCAN_MAX + 1, INSIGHTS_TOP));
		answer.put("truncated", totals.get("truncated"));
		return answer;
	}

	private List<Map<String, Object>> breakdown(String sql, Object[] args) {
		return this.store.jdbc().query(sql, (rs, n) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("key", rs.getString(1));
			row.put("total", rs.getInt(2));
			row.put("failed", rs.getInt(3));
			return row;
		}, args);
	}

	private static int number(String value, int fallback) {
		if (value == null || value.isBlank()) {
			return fallback;
		}
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

}
