package crewship.mission.runs;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * Which workspace a runs request is in ({@code workspace_id} or {@code X-Workspace-ID})
 * and whether the caller may act there: 401 without a person, 400 without a workspace,
 * 404 for a workspace the caller is no member of, 403 for a role below the action.
 */
@Component
class RunScope {

	private final WorkspaceAccess access;

	RunScope(WorkspaceAccess access) {
		this.access = access;
	}

	/** The caller in the request's workspace. */
	record Scope(String workspaceId, String userId) {
	}

	Scope require(IdentityAssertion caller, HttpServletRequest request, Action action) {
		caller.requireUser();
		String workspaceId = RequestedWorkspace.of(request)
			.orElseThrow(() -> ProblemException.unauthorized(
					"No workspace context: send workspace_id or the " + RequestedWorkspace.HEADER + " header"));
		return require(caller, workspaceId, action);
	}

	/** The caller in a workspace the request does not name (an agent's). */
	Scope require(IdentityAssertion caller, String workspaceId, Action action) {
		caller.requireUser();
		this.access.require(caller, workspaceId, action);
		return new Scope(workspaceId, caller.subject());
	}

}
