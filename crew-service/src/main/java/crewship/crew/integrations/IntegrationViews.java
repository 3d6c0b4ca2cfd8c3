package crewship.crew.integrations;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import crewship.crew.mcp.McpProbe;
import crewship.platform.web.ProblemException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The response shapes of the integrations pages (schemas of the reference document). */
public final class IntegrationViews {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private IntegrationViews() {
	}

	/**
	 * The page's integration object, for a workspace server and a crew server alike (crew
	 * fields null on a workspace server). A crew server linked to a workspace server
	 * shows its effective definition. {@code status} is the last connection test's
	 * outcome ({@code untested} before one); {@code credential_id} names the vault
	 * credential, never its value.
	 */
	public record Integration(String id, String workspaceId, String name, String displayName, String transport,
			String endpoint, String command, String argsJson, String envJson, String configJson, String icon,
			boolean enabled, String authStatus, String credentialId, String credType, String source, String status,
			Instant lastTestedAt, Instant createdAt, Instant updatedAt, long agentBindingCount, long crewServerCount,
			String crewId, String crewName, String crewSlug, String workspaceMcpServerId) {

		static Integration of(WorkspaceServer server, long agentBindings, long crewServers) {
			ServerDefinition def = server.definition;
			return new Integration(server.id, server.workspaceId, server.name, server.displayName, def.transport,
					def.endpoint, def.command, def.argsJson, def.envJson, def.configJson, def.icon, server.enabled,
					server.authStatus, server.credentialId, server.credType, server.source,
					status(server.lastTestStatus), server.lastTestedAt, server.createdAt, server.updatedAt,
					agentBindings, crewServers, null, null, null, null);
		}

		static Integration of(CrewServer server, ServerDefinition effective, String crewName, String crewSlug,
				long agentBindings) {
			return new Integration(server.id, server.workspaceId, server.name, server.displayName,
					(effective.transport != null) ? effective.transport : ServerDefinition.STREAMABLE_HTTP,
					effective.endpoint, effective.command, effective.argsJson, effective.envJson, effective.configJson,
					effective.icon, server.enabled, server.authStatus, server.credentialId, server.credType,
					server.source, status(server.lastTestStatus), server.lastTestedAt, server.createdAt,
					server.updatedAt, agentBindings, 0, server.crewId, crewName, crewSlug, server.workspaceServerId);
		}

		private static String status(String lastTest) {
			return (lastTest != null) ? lastTest : "untested";
		}

	}

	/**
	 * A connection test's answer: the page's {@code status}/{@code message}/
	 * {@code server_info}, plus the tools the server listed (what a refresh reconciles).
	 */
	public record TestResult(String status, @JsonInclude(JsonInclude.Include.NON_NULL) String message,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> serverInfo,
			@JsonInclude(JsonInclude.Include.NON_NULL) List<ToolInfo> tools) {

		public static TestResult of(McpProbe.Outcome outcome) {
			return new TestResult(outcome.status(), outcome.message(), outcome.serverInfo(), (outcome.tools() != null)
					? outcome.tools().stream().map(tool -> new ToolInfo(tool.name(), tool.description())).toList()
					: null);
		}

	}

	public record ToolInfo(String name, @JsonInclude(JsonInclude.Include.NON_NULL) String description) {
	}

	/**
	 * A per-tool binding. {@code tool_name} is the page's field; {@code name} and
	 * {@code input_schema} are the reference document's; a null description is left out
	 * (the document types it as a string).
	 */
	public record Tool(String id, String toolName, String name,
			@JsonInclude(JsonInclude.Include.NON_NULL) String description, boolean enabled,
			@JsonInclude(JsonInclude.Include.NON_NULL) JsonNode inputSchema, Instant createdAt, Instant updatedAt) {

		static Tool of(ToolBinding binding) {
			return new Tool(binding.id, binding.toolName, binding.toolName, binding.description, binding.enabled,
					schema(binding.inputSchema), binding.createdAt, binding.updatedAt);
		}

		private static JsonNode schema(String json) {
			if (json == null) {
				return null;
			}
			try {
				JsonNode node = JSON.readTree(json);
				return (node != null && node.isObject()) ? node : null;
			}
			catch (JacksonException ex) {
				return null;
			}
		}

	}

	/** The tool upsert's answer: the page's IntegrationTool (description may be null). */
	public record ToolUpdated(String id, String toolName, String name, String description, boolean enabled,
			Instant createdAt, Instant updatedAt) {

		static ToolUpdated of(ToolBinding binding) {
			return new ToolUpdated(binding.id, binding.toolName, binding.toolName, binding.description, binding.enabled,
					binding.createdAt, binding.updatedAt);
		}

	}

	/**
	 * The refresh's answer: the page's counts and the reference document's
	 * {@code status}/{@code success}/{@code message}.
	 */
	public record Refreshed(String status, boolean success, String message, int created, int updated, int total) {
	}

	/**
	 * An agent binding. {@code status} is set only on an update's answer (the page's
	 * {@code {"status":"updated"}}), the rest is the reference document's binding.
	 */
	public record AgentBindingView(String id, String agentId, String mcpServerId, String mcpServerScope,
			String serverName, String serverDisplayName, String credentialId, String credentialName, String credType,
			String credHeader, String envVarName, boolean enabled, String configOverrideJson, Instant createdAt,
			Instant updatedAt, @JsonInclude(JsonInclude.Include.NON_NULL) String status) {

		AgentBindingView withStatus(String status) {
			return new AgentBindingView(this.id, this.agentId, this.mcpServerId, this.mcpServerScope, this.serverName,
					this.serverDisplayName, this.credentialId, this.credentialName, this.credType, this.credHeader,
					this.envVarName, this.enabled, this.configOverrideJson, this.createdAt, this.updatedAt, status);
		}

	}

	/** Plain JSON of a value (camelCase kept), for blobs crew-service writes itself. */
	public static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	static void requireObject(String field, String json) {
		if (json == null || json.isEmpty()) {
			return;
		}
		try {
			if (!JSON.readTree(json).isObject()) {
				throw ProblemException.badRequest(field + " must be a JSON object");
			}
		}
		catch (JacksonException ex) {
			throw ProblemException.badRequest(field + " is not valid JSON");
		}
	}

}
