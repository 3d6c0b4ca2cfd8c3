package crewship.platform.membership;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One row of the membership replica, and the {@code data} of a membership event on
 * {@code crewship.memberships.v1}. {@code role} is null once the member was removed;
 * {@code version} grows with every change of that membership, so an older event never
 * overwrites a newer state.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Membership(String workspaceId, String userId, WorkspaceRole role, long version) {

	public static final String CHANGED = "membership.changed";

	public static String key(String workspaceId, String userId) {
		return workspaceId + ":" + userId;
	}

}
