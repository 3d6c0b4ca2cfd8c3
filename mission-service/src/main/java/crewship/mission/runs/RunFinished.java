package crewship.mission.runs;

import java.time.Instant;

/**
 * A run reached a terminal status. Published as a Spring application event inside the
 * transaction that records the terminal status (synchronous {@code @EventListener}s join
 * it), so a mission task or a chat reply moves with the run or not at all — on whichever
 * replica finished the run, exactly once.
 *
 * @param output the run's final text (the reply of a chat, the result of a task); may be
 * empty
 * @param error the reason of a FAILED / TIMEOUT / CANCELLED run, else null
 */
public record RunFinished(String runId, String workspaceId, String agentId, String crewId, Trigger trigger,
		String missionId, String taskId, String chatId, String issueId, RunStatus status, String output, String error,
		Instant finishedAt) {

}
