package crewship.crew.agents;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import crewship.platform.ids.Slug;

/** The request bodies of the agent endpoints. */
final class AgentRequests {

	private AgentRequests() {
	}

	record CreateAgent(@NotBlank @Size(min = 2, max = 100) String name, @NotNull @Slug String slug, String crewId,
			@Size(max = 2000) String description, @Size(max = 200) String roleTitle, String agentRole, String leadMode,
			String cliAdapter, @Size(max = 64) String llmProvider, @Size(max = 200) String llmModel,
			@Size(max = 100_000) String systemPrompt, @Size(max = 200) String avatarSeed,
			@Size(max = 64) String avatarStyle, @Min(1) @Max(86_400) Integer timeoutSeconds, String toolProfile,
			Boolean memoryEnabled) {

		UpdateAgent asUpdate() {
			return new UpdateAgent(this.name, this.slug, this.crewId, this.description, this.roleTitle, this.agentRole,
					this.leadMode, this.cliAdapter, this.llmProvider, this.llmModel, this.systemPrompt, this.avatarSeed,
					this.avatarStyle, this.timeoutSeconds, this.toolProfile, this.memoryEnabled, null, null, null, null,
					null, null, null);
		}

	}

	/** A partial update: null leaves a field; an empty string clears a text field. */
	record UpdateAgent(@Size(min = 2, max = 100) String name, @Slug String slug, String crewId,
			@Size(max = 2000) String description, @Size(max = 200) String roleTitle, String agentRole, String leadMode,
			String cliAdapter, @Size(max = 64) String llmProvider, @Size(max = 200) String llmModel,
			@Size(max = 100_000) String systemPrompt, @Size(max = 200) String avatarSeed,
			@Size(max = 64) String avatarStyle, @Min(1) @Max(86_400) Integer timeoutSeconds, String toolProfile,
			Boolean memoryEnabled, @Size(max = 2000) String cliTools, @Size(max = 200) String scheduleCron,
			@Size(max = 10_000) String schedulePrompt, Boolean scheduleEnabled, String mcpConfigJson,
			String suggestedPrompts, Boolean webhookRequireTimestamp) {
	}

	record Hire(String crewId, String crewSlug, @NotBlank String templateSlug, Integer ttlMinutes,
			@NotBlank @Size(max = 2000) String reason, @Size(max = 200) String model, String parentLeadId) {
	}

	record Rehire(Integer ttlMinutes, @NotBlank @Size(max = 2000) String reason) {
	}

	record SetPersona(@NotNull String content) {
	}

}
