package crewship.mission.missions;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * Which workspace a mission request acts in ({@code workspace_id} or
 * {@code X-Workspace-ID}) and whether the caller may: 400 without one, 404 for a
 * non-member, 403 for a role below the action (writes need OWNER, ADMIN or MANAGER).
 */
@Component
class MissionScope {

	private final WorkspaceAccess access;

	MissionScope(WorkspaceAccess access) {
		this.access = access;
	}

	/** The caller acting in one workspace. */
	record Scope(String workspaceId, String userId) {
	}

	Scope require(IdentityAssertion caller, HttpServletRequest request, Action action) {
		return require(caller, request, action, false);
	}

	/**
	 * @param missingIsUnauthorized whether a request without a workspace is 401 (the
	 * checkpoint endpoints' rule) rather than 400
	 */
	Scope require(IdentityAssertion caller, HttpServletRequest request, Action action, boolean missingIsUnauthorized) {
		caller.requireUser();
		String missing = "Missing workspace context: send workspace_id or the " + RequestedWorkspace.HEADER + " header";
		String workspaceId = RequestedWorkspace.of(request)
			.orElseThrow(() -> missingIsUnauthorized ? ProblemException.unauthorized(missing)
					: ProblemException.badRequest(missing));
		this.access.require(caller, workspaceId, action);
		return new Scope(workspaceId, caller.subject());
	}

}
