package crewship.mission.runs;

import java.time.Instant;
import java.util.List;

/**
 * One run as stored: what was asked, who executes it (attempt, lease) and how it ended.
 */
public record Run(String id, String workspaceId, String agentId, String crewId, Trigger trigger, RunStatus status,
		String prompt, List<NewRun.Turn> conversation, String missionId, String taskId, String chatId, String issueId,
		List<String> tags, String dedupKey, String triggeredBy, String output, String error, String runtime,
		String provider, String model, Long inputTokens, Long outputTokens, Double costUsd, int attempt,
		boolean recovered, String claimedBy, String leaseOwner, Instant leaseExpiresAt, Instant cancelRequestedAt,
		String cancelReason, Instant createdAt, Instant startedAt, Instant finishedAt, Long durationMs,
		String traceParent) {

	/** The exit code the runs API shows: 0 for a completed run, 1 for another end. */
	public Integer exitCode() {
		if (!this.status.terminal()) {
			return null;
		}
		return (this.status == RunStatus.COMPLETED) ? 0 : 1;
	}

}
