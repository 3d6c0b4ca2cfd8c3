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
		caller.requireUser();
		String workspaceId = RequestedWorkspace.of(request)
			.orElseThrow(() -> ProblemException.badRequest(
					"Missing workspace context: send workspace_id or the " + RequestedWorkspace.HEADER + " header"));
		this.access.require(caller, workspaceId, action);
		return new Scope(workspaceId, caller.subject());
	}

}
