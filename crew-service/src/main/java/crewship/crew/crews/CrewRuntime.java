package crewship.crew.crews;

import java.util.Map;

import org.springframework.http.HttpStatus;

import crewship.platform.web.ProblemException;

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

	/**
	 * Whether the runtime can run crews at all. @return null when it can, else the reason
	 * it cannot, which read endpoints report instead of a state they cannot know
	 */
	default String unavailableReason() {
		return null;
	}

	/** The runtime of a deployment without one: the fallback when no bean is defined. */
	static CrewRuntime none() {
		return new NoCrewRuntime();
	}

	/**
	 * The 501 problem of an operation this runtime does not perform, with the problem
	 * type and {@code runtime} member every container endpoint answers.
	 */
	static ProblemException unsupported(CrewRuntime runtime, String detail) {
		ProblemException problem = new ProblemException(HttpStatus.NOT_IMPLEMENTED, detail);
		problem.getBody().setType(NoCrewRuntime.TYPE);
		problem.getBody().setProperty("runtime", runtime.name());
		return problem;
	}

}
