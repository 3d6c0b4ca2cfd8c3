package crewship.crew.integrations;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the workspace and crew integration endpoints. */
public final class ServerRequests {

	/** An MCP server's internal name: a key of an {@code mcpServers} map. */
	public static final String NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

	private ServerRequests() {
	}

	/**
	 * Create a workspace or crew server. {@code workspace_mcp_server_id} only for a crew
	 * server overriding a workspace one.
	 */
	public record CreateServer(@NotBlank @Size(max = 100) @Pattern(regexp = NAME,
			message = "must start with a letter or digit and hold only letters, digits, '.', '_' and '-'") String name,
			@Size(max = 200) String displayName, @Size(max = 32) String transport, @Size(max = 2048) String endpoint,
			@Size(max = 1024) String command, String argsJson, String envJson, String configJson,
			@Size(max = 200) String icon, @Size(max = 64) String workspaceMcpServerId) {

		public CreateServer {
			name = (name != null) ? name.trim() : null;
		}

		ServerDefinition definition() {
			return new ServerDefinition(ServerDefinition.normalizeTransport(this.transport), blank(this.endpoint),
					blank(this.command), blank(this.argsJson), blank(this.envJson), blank(this.configJson),
					blank(this.icon));
		}

	}

	/** Partial update: null leaves a field, an empty string clears it. */
	public record UpdateServer(@Size(max = 200) String displayName, @Size(max = 32) String transport,
			@Size(max = 2048) String endpoint, @Size(max = 1024) String command, String argsJson, String envJson,
			String configJson, @Size(max = 200) String icon, Boolean enabled) {

		boolean isEmpty() {
			return this.displayName == null && this.transport == null && this.endpoint == null && this.command == null
					&& this.argsJson == null && this.envJson == null && this.configJson == null && this.icon == null
					&& this.enabled == null;
		}

	}

	/**
	 * What crew-service itself attaches when it provisions a server (a connector install,
	 * an OAuth auto-connect, Composio): the vault credential and how to present it.
	 */
	public record Provisioning(String credentialId, String credType, String credHeader, String authStatus,
			String source, boolean ownsCredential) {

		public static final Provisioning NONE = new Provisioning(null, null, null, null, null, false);

	}

	static String blank(String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}
