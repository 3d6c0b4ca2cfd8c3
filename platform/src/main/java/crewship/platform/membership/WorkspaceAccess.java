package crewship.platform.membership;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * The seed's RBAC for one workspace-scoped request: 401 without a caller, 404 for a
 * workspace the caller does not belong to (never 403: no existence oracle), 403 for a
 * role below the action.
 */
public class WorkspaceAccess {

	/**
	 * Where roles come from: the replica in most services, the membership table in
	 * auth-service.
	 */
	@FunctionalInterface
	public interface Roles {

		/**
		 * @return the user's role in the workspace, or null when the user is no member
		 */
		WorkspaceRole roleOf(String workspaceId, String userId);

	}

	private final Roles roles;

	public WorkspaceAccess(Roles roles) {
		this.roles = roles;
	}

	/**
	 * @return the caller's role in the workspace, once it permits the action
	 */
	public WorkspaceRole require(IdentityAssertion caller, String workspaceId, Action action) {
		if (!caller.isAuthenticated()) {
			throw ProblemException.unauthorized("Authentication required");
		}
		if (caller.method() == AuthMethod.WEBHOOK) {
			throw ProblemException.forbidden("Webhook credentials do not grant workspace access");
		}
		if (workspaceId == null || workspaceId.isBlank()) {
			throw ProblemException.badRequest("workspace_id is required");
		}
		WorkspaceRole role = this.roles.roleOf(workspaceId, caller.subject());
		if (role == null) {
			throw ProblemException.notFound("Workspace not found");
		}
		if (!role.permits(action)) {
			throw ProblemException
				.forbidden("Your role " + role + " may not " + action.name().toLowerCase() + " in this workspace");
		}
		return role;
	}

}
