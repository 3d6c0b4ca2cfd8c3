package crewship.crew.crews;

import java.util.Map;

/**
 * Where a crew's container runs (Docker, Kubernetes, apple-container, the crewshipd
 * sidecar). crew-service keeps the stored container settings; it runs no containers
 * itself. A deployment that has a runtime provides a bean of this type; without one,
 * {@link NoCrewRuntime} answers the runtime endpoints with an honest 501.
 */
public interface CrewRuntime {

	/** The runtime's name, for answers and logs. */
	String name();

	/**
	 * Whether the runtime enforces {@code network_mode}. @return null when it does, else
	 * the reason it does not
	 */
	String networkModeUnenforcedReason();

	/** Starts (idempotently) the crew's container. @return the page's start answer */
	Map<String, Object> start(Crew crew);

	/** Stops (idempotently) the crew's container and sidecars. */
	Map<String, Object> stop(Crew crew);

	/** The container's live state. */
	Map<String, Object> status(Crew crew);

}
