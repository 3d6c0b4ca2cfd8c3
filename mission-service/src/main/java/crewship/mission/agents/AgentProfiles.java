package crewship.mission.agents;

import java.util.Optional;

/**
 * The agents mission-service knows, by workspace (another workspace's agent is absent).
 */
public interface AgentProfiles {

	Optional<AgentProfile> find(String workspaceId, String agentId);

}
