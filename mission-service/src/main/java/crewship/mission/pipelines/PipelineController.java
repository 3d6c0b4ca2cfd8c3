package crewship.mission.pipelines;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.journal.Scopes;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * The pipeline reads the web UI's shell polls: runs (list, one, active) and the
 * pipelines. Authoring and executing pipelines is not part of this suite yet; the other
 * pipeline operations answer the platform's 404.
 */
@RestController
class PipelineController {

	private static final Set<String> STATUSES = Set.of("queued", "running", "completed", "failed", "cancelled");

	private final Scopes scopes;

	private final PipelineRuns runs;

	PipelineController(Scopes scopes, PipelineRuns runs) {
		this.scopes = scopes;
		this.runs = runs;
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}/pipeline-runs")
	Map<String, Object> list(@PathVariable String workspaceId, IdentityAssertion caller,
			@RequestParam(required = false) String status, @RequestParam(required = false) String since,
			@PageParams.Defaults(limit = 20) PageParams page) {
		this.scopes.require(caller, workspaceId, Action.READ);
		if (status != null && !status.isBlank() && !STATUSES.contains(status)) {
			throw ProblemException.badRequest("status must be one of " + STATUSES);
		}
		List<Map<String, Object>> rows = this.runs.list(workspaceId,
				(status == null || status.isBlank()) ? null : status, time(since), page.limit());
		return Map.of("rows", rows, "count", rows.size());
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}/pipeline-runs/{runId}")
	Map<String, Object> get(@PathVariable String workspaceId, @PathVariable String runId, IdentityAssertion caller) {
		this.scopes.require(caller, workspaceId, Action.READ);
		return this.runs.get(workspaceId, runId).orElseThrow(() -> ProblemException.notFound("Pipeline run not found"));
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}/pipelines/runs/active")
	List<Map<String, Object>> active(@PathVariable String workspaceId, IdentityAssertion caller) {
		this.scopes.require(caller, workspaceId, Action.READ);
		return this.runs.active(workspaceId);
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}/pipelines")
	List<Map<String, Object>> pipelines(@PathVariable String workspaceId, IdentityAssertion caller) {
		this.scopes.require(caller, workspaceId, Action.READ);
		return this.runs.pipelines(workspaceId);
	}

	private static Instant time(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value.trim()).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw ProblemException.badRequest("since must be an RFC 3339 time");
		}
	}

}
