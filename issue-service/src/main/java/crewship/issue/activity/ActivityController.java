package crewship.issue.activity;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import crewship.issue.activity.ActivityLog.Entry;
import crewship.issue.issues.IssueService;
import crewship.issue.workspace.WorkspaceScope;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * {@code GET /api/v1/crews/{crewId}/issues/{identifier}/activity}: the 50 most recent.
 */
@RestController
class ActivityController {

	private final ActivityLog log;

	private final IssueService issues;

	private final WorkspaceScope scopes;

	ActivityController(ActivityLog log, IssueService issues, WorkspaceScope scopes) {
		this.log = log;
		this.issues = issues;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/crews/{crewId}/issues/{identifier}/activity")
	List<Entry> list(@PathVariable String crewId, @PathVariable String identifier, IdentityAssertion caller,
			HttpServletRequest request) {
		Scope scope = this.scopes.require(caller, request, Action.READ);
		return this.log.recent(scope.workspaceId(), this.issues.locate(scope, crewId, identifier).id());
	}

}
