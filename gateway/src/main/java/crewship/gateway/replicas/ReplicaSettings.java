package crewship.gateway.replicas;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The replicas of each service, where there is more than one.
 *
 * @param replicas comma-separated base URLs by service name
 * ({@code CREWSHIP_<SERVICE>_URLS}, e.g. {@code CREWSHIP_CREW_URLS}); none: the service's
 * single {@code CREWSHIP_<SERVICE>_URL}
 * @param replicaProbeInterval how often each replica's {@code /readyz} is asked (default
 * 1 s: a replica that stops answering leaves the rotation within about 2 s)
 */
@ConfigurationProperties("crewship.gateway")
public record ReplicaSettings(Map<String, String> replicas, Duration replicaProbeInterval) {

	public ReplicaSettings {
		replicas = (replicas != null) ? Map.copyOf(replicas) : Map.of();
		replicaProbeInterval = (replicaProbeInterval != null) ? replicaProbeInterval : Duration.ofSeconds(1);
	}

}
