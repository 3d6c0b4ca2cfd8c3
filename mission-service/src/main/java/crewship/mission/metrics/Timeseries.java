package crewship.mission.metrics;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import crewship.mission.journal.Lookup;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/metrics/timeseries} from the journal's records: zero-filled buckets
 * aligned to UTC wall-clock boundaries. {@code runs_count} counts {@code run.started}
 * entries; {@code cost_usd} sums {@code cost.incurred}; {@code issues_closed} counts
 * issues whose {@code issue.updated} carried DONE, CANCELLED or DUPLICATE (each issue
 * once per bucket); {@code active_missions} counts the distinct missions with any
 * journaled activity (a run, a task, a state change) in the bucket.
 */
@Component
class Timeseries {

	static final int MAX_BUCKETS = 200;

	private static final Map<String, Duration> WINDOWS = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7),
			"30d", Duration.ofDays(30));

	private static final Map<String, Duration> BUCKETS = Map.of("15m", Duration.ofMinutes(15), "1h",
			Duration.ofHours(1), "1d", Duration.ofDays(1));

	private static final Map<String, Set<String>> GROUPS = Map.of("issues_closed", Set.of("none", "crew", "status"),
			"cost_usd", Set.of("none", "model"), "runs_count", Set.of("none", "crew"), "active_missions",
			Set.of("none", "status"));

	private final JdbcTemplate jdbc;

	private final Lookup lookup;

	Timeseries(JdbcTemplate jdbc, Lookup lookup) {
		this.jdbc = jdbc;
		this.lookup = lookup;
	}

	Map<String, Object> series(String workspaceId, String metric, String window, String bucket, String groupBy) {
		if (metric == null || !GROUPS.containsKey(metric)) {
			throw ProblemException.badRequest("metric must be one of " + GROUPS.keySet());
		}
		String windowName = (window == null || window.isBlank()) ? "24h" : window;
		String bucketName = (bucket == null || bucket.isBlank()) ? "1h" : bucket;
		String group = (groupBy == null || groupBy.isBlank()) ? "none" : groupBy;
		Duration span = WINDOWS.get(windowName);
		Duration step = BUCKETS.get(bucketName);
		if (span == null) {
			throw ProblemException.badRequest("window must be one of 24h, 7d, 30d");
		}
		if (step == null) {
			throw ProblemException.badRequest("bucket must be one of 15m, 1h, 1d");
		}
		if (!Set.of("none", "crew", "model", "status").contains(group)) {
			throw ProblemException.badRequest("group_by must be one of none, crew, model, status");
		}
		if (!GROUPS.get(metric).contains(group)) {
			throw ProblemException.badRequest("group_by=" + group + " is not available for " + metric);
		}
		if (step.compareTo(span) > 0) {
			throw ProblemException.badRequest("bucket " + bucketName + " is larger than window " + windowName);
		}
		long count = span.dividedBy(step);
		if (count > MAX_BUCKETS) {
			throw ProblemException.badRequest(
					"window " + windowName + " in " + bucketName + " buckets is " + count + " buckets; at most 200");
		}
		long stepSeconds = step.toSeconds();
		Instant last = Instant
			.ofEpochSecond(Math.floorDiv(Timestamps.now().getEpochSecond(), stepSeconds) * stepSeconds);
		Instant first = last.minus(step.multipliedBy(count - 1));

		String key = switch (group) {
			case "crew" -> "coalesce(crew_id, 'none')";
			case "model" -> "coalesce(payload::jsonb ->> 'model', 'unknown')";
			case "status" -> "coalesce(payload::jsonb ->> 'status', 'unknown')";
			default -> "'total'";
		};
		String value;
		String where;
		switch (metric) {
			case "runs_count" -> {
				value = "count(*)";
				where = "entry_type = 'run.started'";
			}
			case "cost_usd" -> {
				value = "coalesce(sum(cost_usd), 0)";
				where = "entry_type = 'cost.incurred'";
			}
			case "issues_closed" -> {
				value = "count(distinct coalesce(payload::jsonb ->> 'id', id))";
				where = "entry_type = 'issue.updated' and payload::jsonb ->> 'status' in ('DONE', 'CANCELLED', 'DUPLICATE')";
			}
			default -> {
				value = "count(distinct mission_id)";
				where = "mission_id is not null" + (group.equals("status") ? " and entry_type like 'mission.%'" : "");
			}
		}
		String sql = "select date_bin(make_interval(secs => ?), ts, timestamptz '2000-01-01 00:00:00+00') as bucket, "
				+ key + " as series, " + value + " as value from journal_entry where workspace_id = ? and ts >= ? and "
				+ where + " group by 1, 2";
		Map<Instant, Map<String, Double>> filled = new TreeMap<>();
		for (int i = 0; i < count; i++) {
			filled.put(first.plus(step.multipliedBy(i)), new TreeMap<>());
		}
		Set<String> keys = new java.util.TreeSet<>();
		if (group.equals("none")) {
			keys.add("total");
		}
		this.jdbc.query(sql, rs -> {
			Instant at = rs.getTimestamp("bucket").toInstant();
			Map<String, Double> series = filled.get(at);
			if (series != null) {
				series.merge(rs.getString("series"), rs.getDouble("value"), Double::sum);
				keys.add(rs.getString("series"));
			}
		}, (double) stepSeconds, workspaceId, Timestamp.from(first));
		List<Map<String, Object>> buckets = new ArrayList<>();
		filled.forEach((at, series) -> {
			Map<String, Double> full = new LinkedHashMap<>();
			keys.forEach(k -> full.put(k, series.getOrDefault(k, 0.0)));
			buckets.add(Map.of("ts", at.toString(), "series", full));
		});
		Map<String, String> labels = new LinkedHashMap<>();
		Map<String, String> crewNames = group.equals("crew") ? this.lookup.names(workspaceId, "crew") : Map.of();
		keys.forEach(
				k -> labels.put(k, k.equals("total") && group.equals("none") ? "Total" : crewNames.getOrDefault(k, k)));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("metric", metric);
		answer.put("window", windowName);
		answer.put("bucket", bucketName);
		answer.put("group_by", group);
		answer.put("buckets", buckets);
		answer.put("series_labels", labels);
		return answer;
	}

}
