package crewship.mission.runtimes.llm;

import java.util.List;

/**
 * What is sent to a provider, whatever its protocol.
 *
 * @param messages {@code user}/{@code assistant} turns, oldest first, ending with the
 * user's
 */
public record ChatRequest(String model, String system, List<Message> messages, int maxTokens) {

	public record Message(String role, String content) {
	}

}
