package crewship.mission.missions;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import crewship.mission.agents.AgentProfile;
import crewship.mission.agents.AgentProfiles;
import crewship.mission.runs.NewRun;
import crewship.mission.runs.RunRequests;
import crewship.mission.runs.RunStatus;
import crewship.platform.ids.Cuid;

/**
 * Until the engine (runs table, claiming, runtimes, the agent projection) is on main: run
 * requests are recorded instead of executed, and agents are registered by the tests. A
 * test finishes a run by publishing {@code RunFinished} in a transaction, as the engine
 * does.
 */
@TestConfiguration(proxyBeanMethods = false)
class StandInEngine {

	@Bean
	Runs standInRuns() {
		return new Runs();
	}

	@Bean
	Agents standInAgents() {
		return new Agents();
	}

	/** Records every submitted run. */
	static class Runs implements RunRequests {

		record Submitted(String id, NewRun run) {
		}

		final List<Submitted> submitted = new CopyOnWriteArrayList<>();

		final Map<String, RunStatus> statuses = new ConcurrentHashMap<>();

		final List<String> cancelled = new CopyOnWriteArrayList<>();

		@Override
		public String submit(NewRun run) {
			String id = Cuid.next();
			this.submitted.add(new Submitted(id, run));
			this.statuses.put(id, RunStatus.PENDING);
			return id;
		}

		@Override
		public boolean cancel(String workspaceId, String runId, String actor, String reason) {
			this.cancelled.add(runId);
			return this.statuses.replace(runId, RunStatus.CANCELLED) != null;
		}

		@Override
		public Optional<RunStatus> status(String workspaceId, String runId) {
			return Optional.ofNullable(this.statuses.get(runId));
		}

		List<Submitted> ofMission(String missionId) {
			return this.submitted.stream().filter(s -> missionId.equals(s.run().missionId())).toList();
		}

	}

	/** Agents the tests announce. */
	static class Agents implements AgentProfiles {

		final Map<String, AgentProfile> known = new ConcurrentHashMap<>();

		@Override
		public Optional<AgentProfile> find(String workspaceId, String agentId) {
			return Optional.ofNullable(this.known.get(workspaceId + "/" + agentId));
		}

		void put(AgentProfile agent) {
			this.known.put(agent.workspaceId() + "/" + agent.id(), agent);
		}

	}

}
