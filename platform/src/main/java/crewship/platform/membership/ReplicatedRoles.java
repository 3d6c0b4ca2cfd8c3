package crewship.platform.membership;

/**
 * Roles from this service's membership replica; a membership it has never seen is asked
 * of auth-service once and kept (read-your-writes right after a workspace or member is
 * created).
 */
public class ReplicatedRoles implements WorkspaceAccess.Roles {

	private final MembershipReplica replica;

	private final MembershipLookup lookup;

	public ReplicatedRoles(MembershipReplica replica, MembershipLookup lookup) {
		this.replica = replica;
		this.lookup = lookup;
	}

	@Override
	public WorkspaceRole roleOf(String workspaceId, String userId) {
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
