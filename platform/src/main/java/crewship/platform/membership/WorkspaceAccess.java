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

		/**
		 * @return the user's membership with its capabilities, or null when the user is
		 * no member; a source that knows only roles answers with no capabilities
		 */
		default Membership membershipOf(String workspaceId, String userId) {
			WorkspaceRole role = roleOf(workspaceId, userId);
			return (role != null) ? new Membership(workspaceId, userId, role, 0) : null;
		}

	}

	private final Roles roles;

	public WorkspaceAccess(Roles roles) {
		this.roles = roles;
	}

	/**
	 * @return the caller's role in the workspace, once it permits the action
	 */
	public WorkspaceRole require(IdentityAssertion caller, String workspaceId, Action action) {
		return requireMembership(caller, workspaceId, action, null).role();
	}

	/**
	 * The layered gate of the pages ("role, or a member holding the capability"): the
	 * role permits the action, or the membership carries the capability.
	 * @param capability the capability that widens the role; null for the role alone
	 * @return the caller's membership, once it permits the action
	 */
	public Membership requireMembership(IdentityAssertion caller, String workspaceId, Action action,
			String capability) {
		if (!caller.isAuthenticated()) {
			throw ProblemException.unauthorized("Authentication required");
		}
		if (caller.method() == AuthMethod.WEBHOOK) {
			throw ProblemException.forbidden("Webhook credentials do not grant workspace access");
		}
		if (workspaceId == null || workspaceId.isBlank()) {
			throw ProblemException.badRequest("workspace_id is required");
		}
		Membership membership = this.roles.membershipOf(workspaceId, caller.subject());
		if (membership == null || membership.role() == null) {
			throw ProblemException.notFound("Workspace not found");
		}
		WorkspaceRole role = membership.role();
		if (role.permits(action) || (capability != null && membership.hasCapability(capability))) {
			return membership;
		}
		throw ProblemException.forbidden("Your role " + role + " may not " + action.name().toLowerCase()
				+ " in this workspace" + ((capability != null) ? " without the " + capability + " capability" : ""));
	}

}
