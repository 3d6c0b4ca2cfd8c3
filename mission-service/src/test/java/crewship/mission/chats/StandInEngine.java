package crewship.mission.chats;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.agents.AgentProfile;
import crewship.mission.agents.AgentProfiles;
import crewship.mission.runs.NewRun;
import crewship.mission.runs.RunFinished;
import crewship.mission.runs.RunOutputChunk;
import crewship.mission.runs.RunRequests;
import crewship.mission.runs.RunStatus;
import crewship.platform.ids.Cuid;

/**
 * Until the engine (runs, agent projection) is on main: what chats need of it, in memory.
 * Runs are submitted and finished by the test, as the engine would: chunks as events, the
 * end as {@link RunFinished} inside a transaction.
 */
@Component
public class StandInEngine implements RunRequests, AgentProfiles {

	public record Submitted(String id, NewRun run) {
	}

	private final Map<String, AgentProfile> agents = new ConcurrentHashMap<>();

	private final Map<String, RunStatus> statuses = new ConcurrentHashMap<>();

	public final List<Submitted> submitted = new CopyOnWriteArrayList<>();

	public final List<String> cancelled = new CopyOnWriteArrayList<>();

	private final ApplicationEventPublisher publisher;

	private final TransactionTemplate transactions;

	StandInEngine(ApplicationEventPublisher publisher, PlatformTransactionManager transactionManager) {
		this.publisher = publisher;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	public void agent(AgentProfile agent) {
		this.agents.put(agent.workspaceId() + "/" + agent.id(), agent);
	}

	@Override
	public Optional<AgentProfile> find(String workspaceId, String agentId) {
		return Optional.ofNullable(this.agents.get(workspaceId + "/" + agentId));
	}

	@Override
	public String submit(NewRun run) {
		String id = Cuid.next();
		this.statuses.put(id, RunStatus.PENDING);
		this.submitted.add(new Submitted(id, run));
		return id;
	}

	@Override
	public boolean cancel(String workspaceId, String runId, String actor, String reason) {
		RunStatus status = this.statuses.get(runId);
		if (status == null || status.terminal()) {
			return false;
		}
		this.cancelled.add(runId);
		return true;
	}

	@Override
	public Optional<RunStatus> status(String workspaceId, String runId) {
		return Optional.ofNullable(this.statuses.get(runId));
	}

	public Submitted run(String runId) {
		return this.submitted.stream().filter(s -> s.id().equals(runId)).findFirst().orElseThrow();
	}

	public void chunk(String runId, String text) {
		NewRun run = run(runId).run();
		this.publisher.publishEvent(new RunOutputChunk(runId, run.workspaceId(), run.agentId(), run.trigger(),
				run.chatId(), run.missionId(), text));
	}

	public void finish(String runId, RunStatus status, String output, String error) {
		NewRun run = run(runId).run();
		this.transactions.executeWithoutResult(tx -> {
			this.statuses.put(runId, status);
			this.publisher.publishEvent(new RunFinished(runId, run.workspaceId(), run.agentId(), run.crewId(),
					run.trigger(), run.missionId(), run.taskId(), run.chatId(), run.issueId(), status, output, error,
					Instant.now()));
		});
	}

}
