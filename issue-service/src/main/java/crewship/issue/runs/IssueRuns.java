package crewship.issue.runs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import crewship.issue.directory.CrewDirectory;
import crewship.issue.issues.Issue;
import crewship.issue.issues.IssueService;
import crewship.issue.workspace.WorkspaceScope;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * {@code GET /api/v1/crews/{crewId}/issues/{identifier}/runs}: the issue's runs from the
 * local copy of mission-service's run records, newest first, at most 100. Empty members
 * are omitted, as the page says.
 */
@RestController
class IssueRuns {

	static final int LIMIT = 100;

	private final JdbcTemplate jdbc;

	private final IssueService issues;

	private final CrewDirectory crews;

	private final WorkspaceScope scopes;

	IssueRuns(JdbcTemplate jdbc, IssueService issues, CrewDirectory crews, WorkspaceScope scopes) {
		this.jdbc = jdbc;
		this.issues = issues;
		this.crews = crews;
		this.scopes = scopes;
	}

	record RunView(String id, String status, @JsonInclude(JsonInclude.Include.NON_EMPTY) String agentName,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) String task,
			@JsonInclude(JsonInclude.Include.NON_NULL) Instant startedAt,
			@JsonInclude(JsonInclude.Include.NON_NULL) Instant endedAt, long durationMs,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) String resultSummary,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) String errorMessage) {
	}

	@GetMapping("/api/v1/crews/{crewId}/issues/{identifier}/runs")
	List<RunView> list(@PathVariable String crewId, @PathVariable String identifier, IdentityAssertion caller,
			HttpServletRequest request) {
		Scope scope = this.scopes.require(caller, request, Action.READ);
		Issue issue = this.issues.locate(scope, crewId, identifier);
		return this.jdbc.query("""
				select run_id, status, agent_id, started_at, finished_at, duration_ms, error, summary from issue_run
				 where issue_id = ? order by coalesce(started_at, created_at) desc, created_at desc limit ?
				""", (rs, n) -> {
			Instant started = (rs.getTimestamp(4) != null) ? rs.getTimestamp(4).toInstant() : null;
			Instant ended = (rs.getTimestamp(5) != null) ? rs.getTimestamp(5).toInstant() : null;
			long duration = (rs.getObject(6) != null) ? rs.getLong(6)
					: (started != null && ended != null) ? Duration.between(started, ended).toMillis() : 0;
			String agentId = rs.getString(3);
			return new RunView(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT),
					(agentId != null) ? this.crews.agentName(agentId).orElse(null) : null, issue.title(), started,
					ended, duration, abbreviate(rs.getString(8)), abbreviate(rs.getString(7)));
		}, issue.id(), LIMIT);
	}

	private static String abbreviate(String text) {
		return (text == null || text.length() <= 500) ? text : text.substring(0, 500) + "…";
	}

}
