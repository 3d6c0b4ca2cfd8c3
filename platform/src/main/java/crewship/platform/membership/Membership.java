package crewship.platform.membership;

/**
 * One row of the membership replica, and the {@code data} of a membership event on
 * {@code crewship.memberships.v1}. {@code role} is null once the member was removed; {@code version}
 * grows with every change of that membership, so an older event never overwrites a newer state.
 */
public record Membership(String workspaceId, String userId, WorkspaceRole role, long version) {

	public static final String CHANGED = "membership.changed";

	public static String key(String workspaceId, String userId) {
		return workspaceId + ":" + userId;
	}

	public boolean isActive() {
		return this.role != null;
	}

}
