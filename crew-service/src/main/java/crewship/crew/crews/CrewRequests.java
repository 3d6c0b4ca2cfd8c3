package crewship.crew.crews;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import crewship.platform.ids.Slug;

/** The request bodies of the crew endpoints (snake_case on the wire). */
final class CrewRequests {

	private CrewRequests() {
	}

	record CreateCrew(@NotBlank @Size(min = 2, max = 100) String name, @NotNull @Slug String slug,
			@Size(max = 2000) String description, @Size(max = 32) String color, @Size(max = 64) String icon,
			@Size(max = 64) String avatarStyle, Integer containerMemoryMb, Double containerCpus,
			Integer containerTtlHours, String networkMode, @Size(max = 200) List<String> allowedDomains,
			Boolean allowPrivateEndpoints, @Size(max = 512) String runtimeImage, String devcontainerConfig,
			String miseConfig, String servicesJson, String mcpConfigJson, String escalationConfig,
			@Min(0) @Max(100) Integer maxEphemeralAgents, @Size(max = 16) String issuePrefix) {

		UpdateCrew asUpdate() {
			return new UpdateCrew(this.name, this.slug, this.description, this.color, this.icon, this.avatarStyle,
					this.containerMemoryMb, this.containerCpus, this.containerTtlHours, this.networkMode,
					this.allowedDomains, this.allowPrivateEndpoints, this.runtimeImage, this.devcontainerConfig,
					this.miseConfig, this.servicesJson, this.mcpConfigJson, this.escalationConfig,
					this.maxEphemeralAgents, this.issuePrefix);
		}

	}

	/**
	 * A partial update: null means "leave as is"; an empty string clears a text field.
	 */
	record UpdateCrew(@Size(min = 2, max = 100) String name, @Slug String slug, @Size(max = 2000) String description,
			@Size(max = 32) String color, @Size(max = 64) String icon, @Size(max = 64) String avatarStyle,
			Integer containerMemoryMb, Double containerCpus, Integer containerTtlHours, String networkMode,
			@Size(max = 200) List<String> allowedDomains, Boolean allowPrivateEndpoints,
			@Size(max = 512) String runtimeImage, String devcontainerConfig, String miseConfig, String servicesJson,
			String mcpConfigJson, String escalationConfig, @Min(0) @Max(100) Integer maxEphemeralAgents,
			@Size(max = 16) String issuePrefix) {
	}

	record AddMember(@NotBlank String userId, String role) {
	}

	record ChangeMemberRole(String role) {
	}

	record SetPersona(@NotNull String content) {
	}

	record SetPolicy(String autonomyLevel, String behaviorMode, String reason) {
	}

}
