package crewship.mission.toolcalls;

/**
 * One MCP tool call an agent's run made, as the engine reports it.
 *
 * @param mcpServerScope where the server is configured: {@code workspace}, {@code crew}
 * or {@code agent}
 * @param status {@code success}, {@code error}, {@code denied} or {@code timeout}
 * @param input the call's arguments (JSON text); only its SHA-256 is kept, never the
 * arguments
 */
public record ToolCall(String workspaceId, String crewId, String agentId, String runId, String mcpServerId,
		String mcpServerScope, String toolName, String status, Long durationMs, String errorMessage, String input) {

}
