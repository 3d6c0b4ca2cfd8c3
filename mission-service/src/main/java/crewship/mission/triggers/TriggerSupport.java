package crewship.mission.triggers;

import java.time.Duration;
import java.util.Optional;

import org.springframework.stereotype.Component;

import crewship.mission.agents.AgentProfile;
import crewship.mission.agents.AgentProfiles;
import tools.jackson.databind.JsonNode;

/**
 * What the trigger consumers share: reading event data, and waiting a moment for an agent
 * that another topic may not have delivered yet.
 */
@Component
class TriggerSupport {

	/**
	 * How long a trigger waits for an agent crew-service just announced (its event and
	 * the trigger travel on different topics). After that the run is submitted anyway and
	 * the engine fails it, saying the agent is not known.
	 */
	static final Duration AGENT_WAIT = Duration.ofSeconds(5);

	private final AgentProfiles profiles;

	TriggerSupport(AgentProfiles profiles) {
		this.profiles = profiles;
	}

	Optional<AgentProfile> awaitAgent(String workspaceId, String agentId) {
		long deadline = System.nanoTime() + AGENT_WAIT.toNanos();
		Optional<AgentProfile> found = this.profiles.find(workspaceId, agentId);
		while (found.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Optional.empty();
			}
			found = this.profiles.find(workspaceId, agentId);
		}
		return found;
	}

	static String text(JsonNode data, String field) {
		JsonNode value = (data != null) ? data.get(field) : null;
		return (value != null && !value.isNull()) ? value.asString() : null;
	}

}
