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

	private final MembershipReplica replica;

	private final MembershipLookup lookup;

	public WorkspaceAccess(MembershipReplica replica, MembershipLookup lookup) {
		this.replica = replica;
		this.lookup = lookup;
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
		WorkspaceRole role = roleOf(caller.subject(), workspaceId);
		if (role == null) {
			throw ProblemException.notFound("Workspace not found");
		}
		if (!role.permits(action)) {
			throw ProblemException
				.forbidden("Your role " + role + " may not " + action.name().toLowerCase() + " in this workspace");
		}
		return role;
	}

	private WorkspaceRole roleOf(String userId, String workspaceId) {
		Membership known = this.replica.find(workspaceId, userId).orElse(null);
		if (known == null) {
			known = this.lookup.fetch(workspaceId, userId).orElse(null);
			if (known != null) {
				this.replica.apply(known);
			}
		}
		return (known != null) ? known.role() : null;
	}

}
