package crewship.vault.credentials;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A credential as every read answers it: metadata only, never the value. Agent
 * assignments and MCP bindings are not built yet, so their counts are truthfully zero.
 */
record CredentialView(String id, String name, String description, String type, String provider, String status,
		String scope, String crewId, List<String> crewIds, String accountLabel, String accountEmail,
		Instant tokenExpiresAt, Instant lastCheckedAt, String lastError, Instant createdAt, Instant updatedAt,
		@JsonProperty("_count_agent_credentials") int countAgentCredentials, List<String> agentNames,
		List<String> agentIds, boolean mcpUsed, boolean testable, String sensitivity, int securityLevel,
		String securityLevelLabel, String username, Instant lastUsedAt, List<String> lastUsedIps, List<String> tags,
		String createdByActorType, String createdByActorId, String provisionedForService) {

	private static final List<String> LEVEL_LABELS = List.of("L1 · standard", "L2 · elevated", "L3 · high",
			"L4 · critical");

	static CredentialView of(Credential c) {
		List<String> crews = List.of(c.getCrewIds());
		return new CredentialView(c.getId(), c.getName(), c.getDescription(), c.getType(), c.getProvider(),
				c.getStatus(), c.getScope(), crews.isEmpty() ? null : crews.get(0), crews, c.getAccountLabel(),
				c.getAccountEmail(), c.getTokenExpiresAt(), c.getLastCheckedAt(), c.getLastError(), c.getCreatedAt(),
				c.getUpdatedAt(), 0, List.of(), List.of(), false, Providers.testable(c.getProvider(), c.getType()),
				c.getSensitivity().name(), c.getSecurityLevel(),
				LEVEL_LABELS.get(Math.clamp(c.getSecurityLevel(), 1, 4) - 1),
				"USERPASS".equals(c.getType()) ? c.getUsername() : null, c.getLastUsedAt(), List.of(),
				List.of(c.getTags()), c.getCreatedByActorType(), c.getCreatedByActorId(), c.getProvisionedForService());
	}

}
