package crewship.crew.integrations;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import crewship.crew.mcp.McpProbe;
import crewship.crew.vault.VaultCredentials;
import crewship.crew.vault.VaultCredentials.Secret;

/**
 * Turns a stored server into a probe target: literal headers from {@code config_json},
 * the credential's value (read from the vault for this one call) presented the way the
 * server or binding says, and for stdio the literal environment (references to
 * credentials are resolved by the run engine inside the crew's runtime, not here).
 */
@Component
public class ConnectionTests {

	private final McpProbe probe;

	private final VaultCredentials vault;

	ConnectionTests(McpProbe probe, VaultCredentials vault) {
		this.probe = probe;
		this.vault = vault;
	}

	/**
	 * @param credentialId the vault credential to authenticate with, or null
	 * @param credType {@code bearer} (default), {@code api_key} or {@code basic}
	 */
	public McpProbe.Outcome test(String workspaceId, ServerDefinition definition, String credentialId, String credType,
			String credHeader) {
		String transport = (definition.transport() != null) ? definition.transport() : ServerDefinition.STREAMABLE_HTTP;
		Map<String, String> headers = new LinkedHashMap<>(ServerDefinition.literalHeaders(definition.configJson()));
		Map<String, String> env = new LinkedHashMap<>();
		ServerDefinition.env(definition.envJson()).forEach((name, value) -> {
			if (!ServerDefinition.isReference(value)) {
				env.put(name, value);
			}
		});
		if (credentialId != null) {
			Optional<Secret> secret = this.vault.value(workspaceId, credentialId);
			if (secret.isEmpty()) {
				return new McpProbe.Outcome("auth_required",
						"The integration's credential is missing or not active (complete its OAuth flow or replace it)",
						null, null);
			}
			headers.putAll(authHeaders(credType, credHeader, secret.get()));
		}
		return this.probe.probe(new McpProbe.Target(transport, definition.endpoint(), definition.command(),
				ServerDefinition.args(definition.argsJson()), env, headers));
	}

	static Map<String, String> authHeaders(String credType, String credHeader, Secret secret) {
		String type = (credType != null) ? credType.toLowerCase(Locale.ROOT) : "bearer";
		return switch (type) {
			case "api_key" ->
				Map.of((credHeader != null && !credHeader.isBlank()) ? credHeader : "X-API-Key", secret.value());
			case "basic" -> Map.of("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString(
						((secret.username() != null) ? secret.username() + ":" + secret.value() : secret.value())
							.getBytes(StandardCharsets.UTF_8)));
			default -> Map.of((credHeader != null && !credHeader.isBlank()) ? credHeader : "Authorization",
					"Bearer " + secret.value());
		};
	}

}
