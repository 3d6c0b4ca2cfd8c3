package crewship.issue.workspace;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * The one place issue-service reads "which workspace" from a request
 * ({@link RequestedWorkspace}: {@code workspace_id} or {@code X-Workspace-ID}) and
 * authorises the caller in it: 400 without one, 404 for a non-member, 403 for a role too
 * low.
 */
@Component
public class WorkspaceScope {

	private final WorkspaceAccess access;

	WorkspaceScope(WorkspaceAccess access) {
		this.access = access;
	}

	/** The caller in one workspace, with the role that let them in. */
	public record Scope(String workspaceId, String userId, WorkspaceRole role) {

		/** Whether the caller's role permits a further action. */
		public boolean permits(Action action) {
			return this.role.permits(action);
		}

		/**
		 * @throws ProblemException 403 when the caller's role does not permit the action
		 */
		public void demand(Action action) {
			if (!permits(action)) {
				throw ProblemException.forbidden(
						"Your role " + this.role + " may not " + action.name().toLowerCase() + " in this workspace");
			}
		}

	}

	public Scope require(IdentityAssertion caller, HttpServletRequest request, Action action) {
		caller.requireUser();
		String workspaceId = RequestedWorkspace.of(request)
			.orElseThrow(() -> ProblemException.badRequest(
					"Missing workspace context: send workspace_id or the " + RequestedWorkspace.HEADER + " header"));
		return new Scope(workspaceId, caller.subject(), this.access.require(caller, workspaceId, action));
	}

}
