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
 * @param usage what the run's model calls cost, so a mission task's totals follow its
 * runs
 */
public record RunFinished(String runId, String workspaceId, String agentId, String crewId, Trigger trigger,
		String missionId, String taskId, String chatId, String issueId, RunStatus status, String output, String error,
		Usage usage, Instant finishedAt) {

	/** Tokens in and out and the estimated cost in USD; zero for the local runtime. */
	public record Usage(long inputTokens, long outputTokens, double costUsd) {

		public static final Usage NONE = new Usage(0, 0, 0);

		public static Usage of(Long inputTokens, Long outputTokens, Double costUsd) {
			return new Usage((inputTokens != null) ? inputTokens : 0, (outputTokens != null) ? outputTokens : 0,
					(costUsd != null) ? costUsd : 0);
		}

		public long tokens() {
			return this.inputTokens + this.outputTokens;
		}

		public boolean isNone() {
			return this.inputTokens == 0 && this.outputTokens == 0 && this.costUsd == 0;
		}

	}

}
