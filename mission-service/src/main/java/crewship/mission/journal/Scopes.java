package crewship.mission.journal;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * "Which workspace, and may the caller act in it" for the journal's, activity's,
 * metrics', tool calls' and pipelines' endpoints: the workspace from the request
 * ({@code workspace_id} / {@code X-Workspace-ID}, never a filter) or the path; 401
 * anonymous, 400 without one, 404 for a non-member, 403 for a role too low.
 */
@Component
public class Scopes {

	private final WorkspaceAccess access;

	Scopes(WorkspaceAccess access) {
		this.access = access;
	}

	/**
	 * @return the workspace id, once the caller may take the action in it
	 */
	public String require(IdentityAssertion caller, HttpServletRequest request, Action action) {
		caller.requireUser();
		String workspaceId = RequestedWorkspace.of(request)
			.orElseThrow(() -> ProblemException.badRequest(
					"Missing workspace context: send workspace_id or the " + RequestedWorkspace.HEADER + " header"));
		return require(caller, workspaceId, action);
	}

	/** The workspace named by the path. */
	public String require(IdentityAssertion caller, String workspaceId, Action action) {
		caller.requireUser();
		this.access.require(caller, workspaceId, action);
		return workspaceId;
	}

}
