package crewship.mission.missions;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * {@code GET /api/v1/mission-metrics}: the workspace's mission aggregates; totals are
 * lifetime, the {@code *_24h} fields the trailing 24 hours (by completion time).
 */
@RestController
class MissionMetrics {

	private final JdbcTemplate jdbc;

	private final MissionScope scopes;

	MissionMetrics(JdbcTemplate jdbc, MissionScope scopes) {
		this.jdbc = jdbc;
		this.scopes = scopes;
	}

	record Metrics(long totalMissions, long activeMissions, @JsonProperty("completed_24h") long completed24h,
			@JsonProperty("failed_24h") long failed24h, @JsonProperty("total_tokens_24h") long totalTokens24h,
			@JsonProperty("total_cost_24h") double totalCost24h, long avgCompletionTimeMs,
			@JsonProperty("tasks_completed_24h") long tasksCompleted24h,
			@JsonProperty("tasks_failed_24h") long tasksFailed24h) {
	}

	@GetMapping("/api/v1/mission-metrics")
	Metrics metrics(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.scopes.require(caller, request, Action.READ).workspaceId();
		return this.jdbc.queryForObject(
				"""
						with m as (
						  select count(*) as total,
						         count(*) filter (where status in ('IN_PROGRESS', 'REVIEW')) as active,
						         count(*) filter (where status = 'COMPLETED' and completed_at > now() - interval '24 hours') as completed,
						         count(*) filter (where status = 'FAILED' and completed_at > now() - interval '24 hours') as failed,
						         coalesce(avg(extract(epoch from (completed_at - coalesce(started_at, created_at))) * 1000)
						                  filter (where status = 'COMPLETED' and completed_at is not null), 0) as avg_ms
						    from mission where workspace_id = ?
						), t as (
						  select coalesce(sum(token_count), 0) as tokens, coalesce(sum(estimated_cost), 0) as cost,
						         count(*) filter (where status = 'COMPLETED') as done,
						         count(*) filter (where status = 'FAILED') as failed
						    from mission_task where workspace_id = ? and completed_at > now() - interval '24 hours'
						)
						select m.total, m.active, m.completed, m.failed, t.tokens, t.cost, m.avg_ms, t.done, t.failed from m, t
						""",
				(rs, n) -> new Metrics(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
						rs.getDouble(6), Math.round(rs.getDouble(7)), rs.getLong(8), rs.getLong(9)),
				workspaceId, workspaceId);
	}

}
