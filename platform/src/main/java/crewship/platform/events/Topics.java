package crewship.platform.events;

/** The Kafka topics of ARCHITECTURE.md. */
public final class Topics {

	/**
	 * Compacted; key {@code workspaceId:userId}; the source of every service's membership
	 * replica.
	 */
	public static final String MEMBERSHIPS = "crewship.memberships.v1";

	/** Every service's audit records; auth-service stores them. */
	public static final String AUDIT = "crewship.audit.v1";

	/** Commands from WebSocket clients (chat). */
	public static final String REALTIME = "crewship.realtime.v1";

	private Topics() {
	}

	/** The domain topic of a producing service, e.g. {@code crewship.crew.v1}. */
	public static String domain(String producer) {
		return "crewship." + producer + ".v1";
	}

}
