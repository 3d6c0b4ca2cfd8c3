package crewship.mission.runs;

/**
 * A piece of a run's output as the runtime streams it, published as a Spring application
 * event on the executing thread (outside any transaction): the engine turns chunks into
 * {@code agent.log} frames, chats into their session's {@code text} frames. Ephemeral:
 * the whole output is persisted with the run when it ends.
 */
public record RunOutputChunk(String runId, String workspaceId, String agentId, Trigger trigger, String chatId,
		String missionId, String text) {

}
