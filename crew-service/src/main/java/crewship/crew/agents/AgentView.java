package crewship.crew.agents;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import crewship.crew.crews.Crew;

/**
 * The agent object of the page. {@code webhook_secret_set} says whether the vault holds a
 * signing secret for the agent (minted by a rotation); the secret itself never leaves the
 * vault except in the rotation's answer.
 */
record AgentView(String id, String crewId, String workspaceId, String name, String slug, String description,
		String roleTitle, String agentRole, String leadMode, String status, String cliAdapter, String llmProvider,
		String llmModel, String systemPrompt, String avatarSeed, String avatarStyle, String avatarUrl,
		int timeoutSeconds, String toolProfile, boolean memoryEnabled, String suggestedPrompts, String askForms,
		String cliTools, String scheduleCron, String schedulePrompt, boolean scheduleEnabled, Instant scheduleLastRun,
		Instant scheduleNextRun, @JsonInclude(JsonInclude.Include.NON_NULL) String mcpConfigJson,
		boolean webhookSecretSet, boolean webhookRequireTimestamp, Instant createdAt, Instant updatedAt, CrewInfo crew,
		@JsonProperty("_count") Counts count, @JsonInclude(JsonInclude.Include.NON_NULL) String createdByUserId,
		boolean ephemeral, Instant expiresAt, Instant expiredAt, String parentLeadId, String hireReason) {

	/**
	 * The reference schema requires {@code crew} as an object with a name and slug, so an
	 * agent without a crew (allowed for the AGENT role) gets empty ones rather than a
	 * {@code null} a client would dereference; {@code crew_id: null} says there is none.
	 */
	record CrewInfo(String name, String slug, String color, String avatarStyle) {

		private static final CrewInfo NONE = new CrewInfo("", "", null, null);

		static CrewInfo of(Crew crew) {
			return (crew != null) ? new CrewInfo(crew.getName(), crew.getSlug(), crew.getColor(), crew.getAvatarStyle())
					: NONE;
		}

	}

	/** Credentials and chats belong to other services: 0 here until they project them. */
	record Counts(long skills, long credentials, long chats) {
	}

	static AgentView of(Agent agent, Crew crew, long skills) {
		return new AgentView(agent.id, agent.crewId, agent.workspaceId, agent.name, agent.slug, agent.description,
				agent.roleTitle, agent.agentRole, agent.leadMode, agent.status, agent.cliAdapter, agent.llmProvider,
				agent.llmModel, agent.systemPrompt, agent.avatarSeed, agent.avatarStyle, null, agent.timeoutSeconds,
				agent.toolProfile, agent.memoryEnabled, agent.suggestedPrompts, null, agent.cliTools,
				agent.scheduleCron, agent.schedulePrompt, agent.scheduleEnabled, null, null, agent.mcpConfigJson,
				agent.webhookSecretRotatedAt != null, agent.webhookRequireTimestamp, agent.createdAt, agent.updatedAt,
				CrewInfo.of(crew), new Counts(skills, 0, 0), agent.createdByUserId, agent.ephemeral, agent.expiresAt,
				agent.expiredAt, agent.parentLeadId, agent.hireReason);
	}

}
