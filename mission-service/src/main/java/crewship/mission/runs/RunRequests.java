package crewship.mission.runs;

import java.util.Optional;

/**
 * How the rest of mission-service asks for work and takes it back: missions, chats, issue
 * starts, webhook deliveries and manual triggers all go through here.
 */
public interface RunRequests {

	/**
	 * Records a {@code PENDING} run in the caller's transaction (joins it, or opens one)
	 * and its {@code run.started}-less creation; an engine replica claims it after
	 * commit.
	 * @return the run id, or the id of the earlier run when {@code dedupKey} matched one
	 */
	String submit(NewRun run);

	/**
	 * Cancels a pending or running run on whichever replica holds it (within 2 s); a
	 * terminal run is left as it is.
	 * @return whether the run existed in the workspace and was not yet terminal
	 */
	boolean cancel(String workspaceId, String runId, String actor, String reason);

	/** The run's status, if the run exists in the workspace. */
	Optional<RunStatus> status(String workspaceId, String runId);

}
