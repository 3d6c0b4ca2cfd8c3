package crewship.platform.membership;

import java.util.List;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One row of the membership replica, and the {@code data} of a membership event on
 * {@code crewship.memberships.v1}. {@code role} is null once the member was removed;
 * {@code version} grows with every change of that membership (role or capabilities), so
 * an older event never overwrites a newer state. {@code capabilities} is the member's
 * effective set as auth-service resolves it, sorted; a record without the field (written
 * before capabilities travelled) reads as an empty set, which grants nothing beyond the
 * role.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Membership(String workspaceId, String userId, WorkspaceRole role, long version,
		List<String> capabilities) {

	public static final String CHANGED = "membership.changed";

	public Membership {
		capabilities = (capabilities != null) ? capabilities.stream().sorted().distinct().toList() : List.of();
	}

	/** A membership that carries no capabilities beyond its role. */
	public Membership(String workspaceId, String userId, WorkspaceRole role, long version) {
		this(workspaceId, userId, role, version, List.of());
	}

	/**
	 * @return whether the member holds the capability; never for a removed member
	 */
	public boolean hasCapability(String capability) {
		return this.role != null && this.capabilities.contains(capability);
	}

	public static String key(String workspaceId, String userId) {
		return workspaceId + ":" + userId;
	}

}
