package crewship.platform.membership;

/** The seed's workspace roles, highest first. */
public enum WorkspaceRole {

	OWNER, ADMIN, MANAGER, MEMBER, VIEWER;

	public boolean permits(Action action) {
		return switch (action) {
			case READ -> true;
			case CREATE -> this == OWNER || this == ADMIN || this == MANAGER;
			case MANAGE -> this == OWNER || this == ADMIN;
		};
	}

	/**
	 * The seed's permission mapping: read any member; create OWNER, ADMIN, MANAGER;
	 * manage OWNER, ADMIN.
	 */
	public enum Action {

		READ, CREATE, MANAGE

	}

}
