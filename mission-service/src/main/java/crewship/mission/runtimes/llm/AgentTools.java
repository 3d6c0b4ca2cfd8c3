package crewship.mission.runtimes.llm;

import java.util.List;

import crewship.mission.engine.RunOutput;
import crewship.mission.engine.RuntimeRequest;

/**
 * The tools an agent's run may call (its MCP servers' tools,
 * {@code crewship.mission.mcp}). The llm runtime opens them once per run, offers them to
 * the model, calls those it asks for and closes them when the run ends.
 */
public interface AgentTools {

	/** No tools at all (runtimes built without a tool source). */
	AgentTools NONE = new AgentTools() {

		@Override
		public RunTools open(RuntimeRequest request, RunOutput output) {
			return RunTools.NONE;
		}

		@Override
		public int maxRounds() {
			return 0;
		}

	};

	/**
	 * Connects to the agent's tool servers; an unreachable server is left out with a log
	 * line of the run, never a failed run.
	 */
	RunTools open(RuntimeRequest request, RunOutput output) throws InterruptedException;

	/** Rounds of tool calls a run may make before it must answer without tools. */
	int maxRounds();

	/** One run's open tools. */
	interface RunTools extends AutoCloseable {

		RunTools NONE = new RunTools() {

			@Override
			public List<ChatRequest.Tool> tools() {
				return List.of();
			}

			@Override
			public ChatRequest.ToolResult call(ChatRequest.ToolUse use) {
				return new ChatRequest.ToolResult(use.id(), "No tools are available to this agent", true);
			}

			@Override
			public void close() {
			}

		};

		/** What the model is offered. */
		List<ChatRequest.Tool> tools();

		/**
		 * Calls a tool the model asked for (or refuses one it may not call), recording
		 * the call; a failure is a result with {@code error}, never an exception.
		 */
		ChatRequest.ToolResult call(ChatRequest.ToolUse use) throws InterruptedException;

		@Override
		void close();

	}

}
