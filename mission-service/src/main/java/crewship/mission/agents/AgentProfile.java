package crewship.mission.agents;

import java.util.List;

/**
 * What the engine needs to know of an agent to run it, from crew-service's agent events
 * (a local copy: no call to crew-service per run).
 *
 * @param llmProvider e.g. {@code ANTHROPIC}, {@code OPENAI}; null when none is set
 * @param timeoutSeconds the agent's run timeout; null → the engine's default
 * @param persona the agent's persona text (may be null: the runtime falls back to a
 * one-line persona from name and role)
 * @param skills the names of the skills assigned to the agent
 */
public record AgentProfile(String id, String workspaceId, String crewId, String name, String slug, String role,
		String status, String llmProvider, String llmModel, Integer timeoutSeconds, String persona,
		List<String> skills) {

}
