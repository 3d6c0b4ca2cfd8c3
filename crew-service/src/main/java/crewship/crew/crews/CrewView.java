package crewship.crew.crews;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The crew object of the page. {@code warnings} appears only on create and update when
 * there is something to say; {@code network_mode_unenforced_reason} only when no runtime
 * enforces the mode (always, here: crew-service runs no containers).
 */
record CrewView(String id, String workspaceId, String name, String slug, String description, String color, String icon,
		String avatarStyle, int containerMemoryMb, double containerCpus, Integer containerTtlHours, String networkMode,
		boolean networkModeEnforced, @JsonInclude(JsonInclude.Include.NON_NULL) String networkModeUnenforcedReason,
		List<String> allowedDomains, boolean allowPrivateEndpoints, String mcpConfigJson, String escalationConfig,
		String runtimeImage, String devcontainerConfig, String miseConfig, String servicesJson, String cachedImage,
		String configHash, int maxEphemeralAgents, String issuePrefix, Instant createdAt, Instant updatedAt,
		@JsonProperty("_count") Counts count, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

	record Counts(long agents, long members) {
	}

	/**
	 * @param full whether this is a Get (List leaves {@code issue_prefix} null, as the
	 * page says)
	 */
	static CrewView of(Crew crew, Counts counts, boolean full, List<String> warnings, String unenforcedReason) {
		return new CrewView(crew.getId(), crew.getWorkspaceId(), crew.name, crew.slug, crew.description, crew.color,
				crew.icon, crew.avatarStyle, crew.containerMemoryMb, crew.containerCpus, crew.containerTtlHours,
				crew.networkMode, unenforcedReason == null, unenforcedReason, crew.domains(),
				crew.allowPrivateEndpoints, crew.mcpConfigJson, crew.escalationConfig, crew.runtimeImage,
				crew.devcontainerConfig, crew.miseConfig, crew.servicesJson, null, null, crew.maxEphemeralAgents,
				full ? crew.issuePrefix : null, crew.createdAt, crew.updatedAt, counts, warnings);
	}

}
