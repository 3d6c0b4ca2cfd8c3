package crewship.mission.engine;

import java.time.Duration;
import java.util.List;

import crewship.mission.agents.AgentProfile;
import crewship.mission.runs.NewRun.Turn;
import crewship.mission.runs.Trigger;

/**
 * One run as a runtime sees it.
 *
 * @param prompt the instruction (untrusted input already fenced by the engine)
 * @param conversation earlier turns, oldest first (chats)
 * @param timeout when the engine will interrupt the run and record {@code TIMEOUT}
 */
public record RuntimeRequest(String runId, String workspaceId, AgentProfile agent, Trigger trigger, String prompt,
		List<Turn> conversation, Duration timeout) {

}
