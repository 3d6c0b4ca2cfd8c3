package crewship.platform.identity;

import java.util.Set;

/** The only paths a service answers without an identity assertion: its probes. */
public final class ProbePaths {

	private static final Set<String> PATHS = Set.of("/livez", "/readyz", "/actuator/health",
			"/actuator/health/liveness", "/actuator/health/readiness");

	private ProbePaths() {
	}

	public static boolean isProbe(String path) {
		return PATHS.contains(path);
	}

}
