package crewship.crew.crews;

import java.net.URI;
import java.util.Map;

import org.springframework.http.HttpStatus;

import crewship.platform.web.ProblemException;

/**
 * The runtime of a deployment that has none: every container operation is a problem+json
 * 501 that says so, instead of a pretended "running" state.
 */
class NoCrewRuntime implements CrewRuntime {

	static final URI TYPE = URI.create("https://crewship.dev/problems/no-crew-runtime");

	@Override
	public String name() {
		return "none";
	}

	@Override
	public String unavailableReason() {
		return "No container runtime (CrewRuntime) is configured on this server: crews are stored but never "
				+ "provisioned, built or started";
	}

	@Override
	public String networkModeUnenforcedReason() {
		return "No container runtime is configured on this server; network_mode is stored but not enforced";
	}

	@Override
	public Map<String, Object> start(Crew crew) {
		throw missing("start");
	}

	@Override
	public Map<String, Object> stop(Crew crew) {
		throw missing("stop");
	}

	@Override
	public Map<String, Object> status(Crew crew) {
		throw missing("report the status of");
	}

	private static ProblemException missing(String operation) {
		ProblemException problem = new ProblemException(HttpStatus.NOT_IMPLEMENTED, "No container runtime (CrewRuntime)"
				+ " is configured on this server, so it cannot " + operation + " crew containers");
		problem.getBody().setType(TYPE);
		problem.getBody().setProperty("runtime", "none");
		return problem;
	}

}
