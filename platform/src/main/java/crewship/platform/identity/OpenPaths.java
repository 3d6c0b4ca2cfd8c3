package crewship.platform.identity;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The only paths a service answers without an identity assertion: its probes, and what it
 * lists in {@code crewship.identity.open-paths} (public keys, for instance).
 */
public final class OpenPaths {

	private static final Set<String> PROBES = Set.of("/livez", "/readyz", "/actuator/health",
			"/actuator/health/liveness", "/actuator/health/readiness");

	private final Set<String> paths;

	public OpenPaths(Collection<String> extra) {
		Set<String> all = new HashSet<>(PROBES);
		if (extra != null) {
			all.addAll(extra);
		}
		this.paths = Set.copyOf(all);
	}

	public boolean contains(String path) {
		return this.paths.contains(path);
	}

}
