package crewship.mission.runs;

import java.util.List;

/**
 * A request for an agent to work, whatever triggered it. The engine turns it into a
 * {@code PENDING} run; the ids of what it belongs to travel on every run event.
 *
 * @param prompt the instruction for this run (already fenced where it holds untrusted
 * input)
 * @param conversation earlier turns, oldest first, bounded by the caller (chats); empty
 * otherwise
 * @param dedupKey drops a second request with the same key for the same agent (webhook
 * deliveries); null when the trigger has none
 */
public record NewRun(String workspaceId, String agentId, String crewId, Trigger trigger, String prompt,
		List<Turn> conversation, String missionId, String taskId, String chatId, String issueId, List<String> tags,
		String dedupKey, String actor) {

	/**
	 * One earlier turn of a conversation: {@code role} is {@code user} or
	 * {@code assistant}.
	 */
	public record Turn(String role, String content) {
	}

}
