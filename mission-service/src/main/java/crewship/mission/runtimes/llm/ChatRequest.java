package crewship.mission.runtimes.llm;

import java.util.List;
import java.util.Map;

/**
 * What is sent to a provider, whatever its protocol.
 *
 * @param messages {@code user}/{@code assistant} turns, oldest first, ending with the
 * user's (or with the results of the tools the model last asked for)
 * @param tools the tools the model may ask for; empty for none
 * @param toolsOff whether the model must answer without asking for a tool (the run used
 * up its tool rounds; the tools are still described, as providers require once the
 * conversation holds tool calls)
 */
public record ChatRequest(String model, String system, List<Message> messages, int maxTokens, List<Tool> tools,
		boolean toolsOff) {

	public ChatRequest(String model, String system, List<Message> messages, int maxTokens) {
		this(model, system, messages, maxTokens, List.of(), false);
	}

	public ChatRequest {
		tools = (tools != null) ? List.copyOf(tools) : List.of();
	}

	/**
	 * One turn: text, and for an assistant turn the tools it asked for; a user turn that
	 * answers them carries their results instead.
	 */
	public record Message(String role, String content, List<ToolUse> toolUses, List<ToolResult> toolResults) {

		public Message(String role, String content) {
			this(role, content, List.of(), List.of());
		}

		public Message {
			toolUses = (toolUses != null) ? List.copyOf(toolUses) : List.of();
			toolResults = (toolResults != null) ? List.copyOf(toolResults) : List.of();
		}

	}

	/** A tool as the model sees it: its name, what it does, its JSON Schema input. */
	public record Tool(String name, String description, Map<String, Object> inputSchema) {
	}

	/**
	 * The model asks for a tool.
	 *
	 * @param id the provider's id of the call, echoed with its result
	 * @param arguments the input as JSON text, as the model wrote it
	 */
	public record ToolUse(String id, String name, String arguments) {

		/** Without the arguments, which may hold anything. */
		@Override
		public String toString() {
			return "ToolUse[" + this.id + ", " + this.name + "]";
		}

	}

	/** What a tool call gave back, for the model. */
	public record ToolResult(String toolUseId, String content, boolean error) {
	}

}
