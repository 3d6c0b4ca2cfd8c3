package crewship.issue.issues;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.issue.issues.IssueRequests.BulkUpdate;
import crewship.issue.issues.IssueRequests.CreateIssue;
import crewship.issue.issues.IssueRequests.Review;
import crewship.issue.workspace.WorkspaceScope;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/issues/**} and {@code /api/v1/crews/{crewId}/issues/**}: issues, their
 * lifecycle and their sub-issues. {@code {crewId}} takes a crew's id or slug,
 * {@code {identifier}} an identifier ({@code ENG-42}) or an issue id.
 */
@RestController
class IssueController {

	private static final String ISSUE = "/api/v1/crews/{crewId}/issues/{identifier}";

	private final IssueService issues;

	private final IssueLifecycle lifecycle;

	private final WorkspaceScope scopes;

	IssueController(IssueService issues, IssueLifecycle lifecycle, WorkspaceScope scopes) {
		this.issues = issues;
		this.lifecycle = lifecycle;
		this.scopes = scopes;
	}

	/**
	 * The workspace list. Only issues live here: {@code mission_type=mission} lists none
	 * (missions are mission-service's).
	 */
	@GetMapping("/api/v1/issues")
	List<IssueView> list(@RequestParam(name = "mission_type", required = false) String missionType,
			@RequestParam(required = false) String status, @RequestParam(required = false) String priority,
			@RequestParam(name = "project_id", required = false) String projectId,
			@RequestParam(name = "crew_id", required = false) String crewId,
			@RequestParam(name = "assignee_id", required = false) String assigneeId,
			@RequestParam(required = false) String label, @RequestParam(required = false) String search,
			@RequestParam(required = false) String sort, @PageParams.Defaults(limit = 50) PageParams page,
			IdentityAssertion caller, HttpServletRequest request) {
		Scope scope = this.scopes.require(caller, request, Action.READ);
		IssueQuery query = IssueQuery.of(scope.workspaceId(), status, priority, projectId, crewId, assigneeId, label,
				search, sort, page);
		if (missionType != null && !missionType.isBlank() && !missionType.equals(IssueView.MISSION_TYPE)) {
			if (missionType.equals("mission")) {
				return List.of();
			}
			throw ProblemException.badRequest("mission_type must be issue or mission");
		}
		return this.issues.list(scope, query);
	}

	@GetMapping("/api/v1/issues/{identifier}")
	IssueView getInWorkspace(@PathVariable String identifier, IdentityAssertion caller, HttpServletRequest request) {
		return this.issues.get(this.scopes.require(caller, request, Action.READ), null, identifier);
	}

	@PatchMapping("/api/v1/issues/bulk")
	Map<String, Object> bulk(@RequestBody BulkUpdate body, IdentityAssertion caller, HttpServletRequest request) {
		return this.issues.bulk(this.scopes.require(caller, request, Action.CREATE), body);
	}

	@PostMapping("/api/v1/crews/{crewId}/issues")
	@ResponseStatus(HttpStatus.CREATED)
	IssueView create(@PathVariable String crewId, @RequestBody CreateIssue body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.issues.create(this.scopes.require(caller, request, Action.CREATE), crewId, body);
	}

	@GetMapping(ISSUE)
	IssueView get(@PathVariable String crewId, @PathVariable String identifier, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.issues.get(this.scopes.require(caller, request, Action.READ), crewId, identifier);
	}

	@PatchMapping(ISSUE)
	IssueView update(@PathVariable String crewId, @PathVariable String identifier, @RequestBody JsonNode body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.issues.update(this.scopes.require(caller, request, Action.CREATE), crewId, identifier, body);
	}

	@DeleteMapping(ISSUE)
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String crewId, @PathVariable String identifier, IdentityAssertion caller,
			HttpServletRequest request) {
		this.issues.delete(this.scopes.require(caller, request, Action.CREATE), crewId, identifier);
	}

	@PostMapping(ISSUE + "/start")
	Map<String, Object> start(@PathVariable String crewId, @PathVariable String identifier, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.lifecycle.start(this.scopes.require(caller, request, Action.CREATE), crewId, identifier);
	}

	@PostMapping(ISSUE + "/stop")
	Map<String, Object> stop(@PathVariable String crewId, @PathVariable String identifier, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.lifecycle.stop(this.scopes.require(caller, request, Action.CREATE), crewId, identifier);
	}

	@PostMapping(ISSUE + "/review")
	Map<String, Object> review(@PathVariable String crewId, @PathVariable String identifier, @RequestBody Review body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.lifecycle.review(this.scopes.require(caller, request, Action.CREATE), crewId, identifier, body);
	}

	@GetMapping(ISSUE + "/subtasks")
	List<IssueView> subIssues(@PathVariable String crewId, @PathVariable String identifier,
			@PageParams.Defaults(limit = 100) PageParams page, IdentityAssertion caller, HttpServletRequest request) {
		return this.issues.subIssues(this.scopes.require(caller, request, Action.READ), crewId, identifier, page);
	}

}
