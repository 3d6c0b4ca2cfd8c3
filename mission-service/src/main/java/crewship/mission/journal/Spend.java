package crewship.mission.journal;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * The spend rollup over {@code cost.incurred} entries (the ledger) and the pipeline runs'
 * own cost. The total is summed by its own unbounded query, exact even when the
 * breakdowns are truncated at the aggregation cap.
 */
@Component
class Spend {

	static final int AGGREGATION_CAP = 20_000;

	private static final Map<String, Duration> WINDOWS = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7),
			"30d", Duration.ofDays(30));

	private final JdbcTemplate jdbc;

	Spend(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	Map<String, Object> rollup(String workspaceId, String window, String top) {
		String resolved = (window == null || window.isBlank()) ? "24h" : window;
		Duration span = WINDOWS.get(resolved);
		if (span == null) {
			throw ProblemException.badRequest("window must be one of 24h, 7d, 30d");
		}
		int topN;
		try {
			topN = (top == null || top.isBlank()) ? 5 : Integer.parseInt(top.trim());
		}
		catch (NumberFormatException ex) {
			throw ProblemException.badRequest("top must be an integer between 1 and 50");
		}
		if (topN < 1 || topN > 50) {
			throw ProblemException.badRequest("top must be an integer between 1 and 50");
		}
		Timestamp since = Timestamp.from(Timestamps.now().minus(span));
		BigDecimal total = this.jdbc.queryForObject("""
				select coalesce(sum(cost_usd), 0) from journal_entry
				 where workspace_id = ? and entry_type = 'cost.incurred' and ts >= ?
				""", BigDecimal.class, workspaceId, since);
		Long rows = this.jdbc.queryForObject("""
				select count(*) from journal_entry where workspace_id = ? and entry_type = 'cost.incurred' and ts >= ?
				""", Long.class, workspaceId, since);
		List<Map<String, Object>> byAgent = this.jdbc.query("""
				select to_char(ts at time zone 'UTC', 'YYYY-MM-DD') as day, crew_id, agent_id,
				       sum(cost_usd) as cost, count(*) as calls
				  from (select ts, crew_id, agent_id, cost_usd from journal_entry
				         where workspace_id = ? and entry_type = 'cost.incurred' and ts >= ?
				         order by ts desc limit ?) recent
				 group by 1, 2, 3 order by 1 desc, 4 desc
				""",
				(rs, n) -> row("date", rs.getString("day"), "crew_id", rs.getString("crew_id"), "agent_id",
						rs.getString("agent_id"), "cost_usd", rs.getBigDecimal("cost").doubleValue(), "call_count",
						rs.getLong("calls")),
				workspaceId, since, AGGREGATION_CAP);
		List<Map<String, Object>> byRoutine = this.jdbc.query("""
				select to_char(started_at at time zone 'UTC', 'YYYY-MM-DD') as day, pipeline_id, pipeline_slug,
				       sum(cost_usd) as cost, count(*) as runs
				  from pipeline_run where workspace_id = ? and started_at >= ? and cost_usd is not null
				 group by 1, 2, 3 order by 1 desc, 4 desc limit ?
				""",
				(rs, n) -> row("date", rs.getString("day"), "pipeline_id", rs.getString("pipeline_id"), "pipeline_slug",
						rs.getString("pipeline_slug"), "cost_usd", rs.getBigDecimal("cost").doubleValue(), "run_count",
						rs.getLong("runs")),
				workspaceId, since, AGGREGATION_CAP);
		List<Map<String, Object>> topRoutines = this.jdbc.query("""
				select coalesce(pipeline_id, pipeline_slug) as id, coalesce(pipeline_slug, pipeline_id) as label,
				       sum(cost_usd) as cost
				  from pipeline_run where workspace_id = ? and started_at >= ? and cost_usd is not null
				 group by 1, 2 order by 3 desc limit ?
				""", (rs, n) -> row("kind", "routine", "id", rs.getString("id"), "label", rs.getString("label"),
				"cost_usd", rs.getBigDecimal("cost").doubleValue()), workspaceId, since, topN);
		List<Map<String, Object>> topRuns = this.jdbc.query(
				"""
						select e.trace_id as id, coalesce(l.slug, l.name, e.agent_id, e.trace_id) as label, sum(e.cost_usd) as cost
						  from journal_entry e
						  left join journal_lookup l on l.workspace_id = e.workspace_id and l.kind = 'agent' and l.id = e.agent_id
						 where e.workspace_id = ? and e.entry_type = 'cost.incurred' and e.ts >= ? and e.trace_id is not null
						 group by 1, 2 order by 3 desc limit ?
						""",
				(rs, n) -> row("kind", "run", "id", rs.getString("id"), "label", rs.getString("label"), "cost_usd",
						rs.getBigDecimal("cost").doubleValue()),
				workspaceId, since, topN);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("window", resolved);
		answer.put("total_cost_usd", (total != null) ? total.doubleValue() : 0.0);
		answer.put("by_agent", byAgent);
		answer.put("by_routine", byRoutine);
		answer.put("top_routines", topRoutines);
		answer.put("top_runs", topRuns);
		answer.put("truncated", rows != null && rows > AGGREGATION_CAP);
		return answer;
	}

	private static Map<String, Object> row(Object... pairs) {
		Map<String, Object> row = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i + 1] != null) {
				row.put((String) pairs[i], pairs[i + 1]);
			}
		}
		return row;
	}

}
