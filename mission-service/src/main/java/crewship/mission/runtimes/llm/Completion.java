package crewship.mission.runtimes.llm;

import java.util.List;

/**
 * What a provider answered in full.
 *
 * @param model the model the provider says answered (it may name a dated version of the
 * one asked for)
 * @param toolUses the tools the model asks for, in order; empty when it ended its turn
 */
public record Completion(String text, String model, long inputTokens, long outputTokens, String stopReason,
		List<ChatRequest.ToolUse> toolUses) {

	public Completion(String text, String model, long inputTokens, long outputTokens, String stopReason) {
		this(text, model, inputTokens, outputTokens, stopReason, List.of());
	}

	public Completion {
		toolUses = (toolUses != null) ? List.copyOf(toolUses) : List.of();
	}

}
