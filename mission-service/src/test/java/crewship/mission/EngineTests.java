package crewship.mission;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;

import crewship.mission.engine.RunEngine;
import crewship.mission.engine.RunEngines;
import crewship.mission.runs.NewRun;
import crewship.mission.runs.RunFinished;
import crewship.mission.runs.RunOutputChunk;
import crewship.mission.runs.RunStatus;
import crewship.mission.runs.Trigger;
import crewship.platform.ids.Cuid;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run engine as a user of runs notices it: a run is claimed at once and announced,
 * replicas share the queue without executing a run twice, a dead replica's run is
 * recovered, timeouts and cancels end runs in time, and the caps hold.
 */
class EngineTests extends MissionTestSupport {

	@Autowired
	RunEngines engines;

	@Autowired
	ConfigurableApplicationContext context;

	@Test
	void runIsClaimedAtOnceAndAnnouncedAsStartedThenUpdated() {
		String crewId = crew("Backend");
		String agentId = agent(crewId, "Viktor");
		// accepted → RUNNING: the local engine is woken by the commit, not by its poll
		List<Long> claimMillis = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			long submitted = System.nanoTime();
			String queued = submit(agentId, crewId, "Warm-up " + i);
			await("claimed", Duration.ofSeconds(5), () -> status(queued) != RunStatus.PENDING);
			claimMillis.add((System.nanoTime() - submitted) / 1_000_000);
		}
		claimMillis.sort(null);
		System.out.println("Accepted → RUNNING, 20 runs one after another (ms, sorted): " + claimMillis);
		assertThat(claimMillis.get(18)).as("accepted → RUNNING, p95 of 20: " + claimMillis).isLessThan(250);
		String runId = submit(agentId, crewId, "Summarise the release notes");
		awaitStatus(runId, RunStatus.COMPLETED);

		List<JsonNode> events = missionEvents(runId, read -> types(read).contains("run.updated"));
		assertThat(types(events)).containsExactly("run.started", "run.updated");
		JsonNode started = events.get(0).get("data");
		assertThat(started.get("id").asString()).isEqualTo(runId);
		assertThat(started.get("agent_id").asString()).isEqualTo(agentId);
		assertThat(started.get("crew_id").asString()).isEqualTo(crewId);
		assertThat(started.get("status").asString()).isEqualTo("RUNNING");
		assertThat(started.get("trigger").asString()).isEqualTo("manual");
		assertThat(started.get("started_at").asString()).isNotBlank();
		assertThat(started.has("issue_id")).isFalse();
		JsonNode finished = events.get(1).get("data");
		assertThat(finished.get("status").asString()).isEqualTo("COMPLETED");
		assertThat(finished.get("finished_at").asString()).isNotBlank();
		assertThat(finished.get("duration_ms").asLong()).isGreaterThanOrEqualTo(0);
		assertThat(finished.get("summary").asString()).contains("not a language model");
		assertThat(events.get(1).get("workspace_id").asString()).isEqualTo(this.workspaceId);

		assertThat(column(runId, "output", String.class)).contains("not a language model").contains("Viktor");
		assertThat(column(runId, "runtime", String.class)).isEqualTo("local");
		assertThat(column(runId, "attempt", Integer.class)).isEqualTo(1);

		List<JsonNode> agentEvents = missionEvents(agentId,
				read -> read.stream().filter(e -> e.get("type").asString().equals("agent.status")).count() >= 2);
		assertThat(agentEvents.stream()
			.filter(e -> e.get("type").asString().equals("agent.status"))
			.map(e -> e.get("data").get("status").asString())).containsSubsequence("RUNNING", "IDLE");
		assertThat(agentEvents.stream()
			.filter(e -> e.get("type").asString().equals("agent.log"))
			.map(e -> e.get("data").get("content").asString())
			.reduce("", String::concat)).contains("not a language model");
	}

	@Test
	void twoReplicasExecuteEachOfTwoHundredRunsExactlyOnce() {
		String crewId = crew("Fleet");
		List<String> agents = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			agents.add(agent(crewId, "Worker " + i));
		}
		Map<String, AtomicInteger> chunks = new ConcurrentHashMap<>();
		ApplicationListener<ApplicationEvent> counter = event -> {
			if (event instanceof PayloadApplicationEvent<?> payload
					&& payload.getPayload() instanceof RunOutputChunk chunk) {
				chunks.computeIfAbsent(chunk.runId(), id -> new AtomicInteger()).incrementAndGet();
			}
		};
		this.context.addApplicationListener(counter);
		RunEngine second = this.engines.create("test-second-" + Cuid.next().substring(0, 6));
		second.start();
		try {
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				String agentId = agents.get(i % agents.size());
				ids.add(submit(agentId, crewId, "Task " + i + " [[local:slow=20]]"));
			}
			await("200 runs completed", Duration.ofSeconds(60),
					() -> this.jdbc.queryForObject(
							"select count(*) from run where id = any(?) and status = 'COMPLETED'", Integer.class,
							(Object) ids.toArray(String[]::new)) == 200);
			assertThat(this.jdbc.queryForObject("select max(attempt) from run where id = any(?)", Integer.class,
					(Object) ids.toArray(String[]::new)))
				.as("no run claimed twice")
				.isEqualTo(1);
			// the local runtime streams four chunks per execution: four means once
			assertThat(ids).allSatisfy(id -> assertThat(chunks.get(id)).as(id).hasValue(4));
			List<String> replicas = this.jdbc.queryForList("select distinct claimed_by from run where id = any(?)",
					String.class, (Object) ids.toArray(String[]::new));
			assertThat(replicas).as("both replicas took runs").contains("test-main", second.replicaId());
			for (String id : ids) {
				List<JsonNode> events = missionEvents(id, read -> read.size() >= 2);
				assertThat(types(events)).as(id).containsExactly("run.started", "run.updated");
				if (ids.indexOf(id) > 5) {
					break; // the topic is read from its start each time: a sample
							// suffices
				}
			}
		}
		finally {
			second.stop();
			this.context.removeApplicationListener(counter);
		}
	}

	@Test
	void runOfAReplicaThatDiedIsRecoveredAfterItsLeaseExpires() {
		String crewId = crew("Recovery");
		String agentId = agent(crewId, "Phoenix");
		RunEngine doomed = this.engines.create("test-doomed-" + Cuid.next().substring(0, 6));
		this.engines.local().pause();
		String runId;
		try {
			doomed.start();
			runId = submit(agentId, crewId, "Long job [[local:slow=4000]]");
			await("claimed by the doomed replica", Duration.ofSeconds(5),
					() -> doomed.replicaId().equals(column(runId, "lease_owner", String.class)));
			doomed.kill(); // no handover, no write: as if the process died
		}
		finally {
			this.engines.local().resume();
		}
		assertThat(status(runId)).isEqualTo(RunStatus.RUNNING);
		await("recovered", Duration.ofSeconds(10),
				() -> "test-main".equals(column(runId, "lease_owner", String.class)));
		awaitStatus(runId, RunStatus.COMPLETED);
		assertThat(column(runId, "attempt", Integer.class)).isEqualTo(2);
		assertThat(column(runId, "recovered", Boolean.class)).isTrue();
		List<String> lines = this.jdbc.queryForList("select content from run_log where run_id = ? order by id",
				String.class, runId);
		assertThat(lines).anySatisfy(line -> assertThat(line).contains("recovered by test-main")
			.contains("the lease of " + doomed.replicaId() + " expired"));
		List<JsonNode> events = missionEvents(runId,
				read -> read.stream().anyMatch(e -> e.get("data").get("status").asString().equals("COMPLETED")));
		assertThat(types(events)).containsExactly("run.started", "run.updated", "run.updated");
		assertThat(events.get(1).get("data").get("recovered").asBoolean()).isTrue();
		assertThat(events.get(1).get("data").get("attempt").asInt()).isEqualTo(2);
	}

	@Test
	void runPastItsAgentsTimeoutEndsAsTimeout() {
		String crewId = crew("Slow");
		String agentId = agent(crewId, "Sloth", Map.of("timeout_seconds", 1));
		String runId = submit(agentId, crewId, "Think forever " + "[[local:stall]]");
		awaitStatus(runId, RunStatus.RUNNING);
		long started = System.nanoTime();
		await("timed out", Duration.ofSeconds(5), () -> status(runId) == RunStatus.TIMEOUT);
		assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2500);
		assertThat(column(runId, "error", String.class)).contains("Timed out after 1 s");
	}

	@Test
	void cancelledRunEndsWithinTwoSeconds() {
		String crewId = crew("Cancel");
		String agentId = agent(crewId, "Stopper");
		String runId = submit(agentId, crewId, "[[local:stall]]");
		awaitStatus(runId, RunStatus.RUNNING);
		long asked = System.nanoTime();
		assertThat(this.runs.cancel(this.workspaceId, runId, this.ownerId, "Not needed")).isTrue();
		await("cancelled", Duration.ofSeconds(3), () -> status(runId) == RunStatus.CANCELLED);
		assertThat((System.nanoTime() - asked) / 1_000_000).isLessThan(2000);
		assertThat(column(runId, "error", String.class)).contains("Not needed");
		assertThat(this.runs.cancel(this.workspaceId, runId, this.ownerId, "again")).as("terminal: left alone")
			.isFalse();
		assertThat(this.runs.cancel("another-workspace", runId, this.ownerId, "x")).isFalse();
	}

	@Test
	void pendingRunCancelledBeforeItStartsNeverRuns() {
		String crewId = crew("Queue");
		String agentId = agent(crewId, "Queued");
		this.engines.local().pause();
		String runId;
		try {
			runId = submit(agentId, crewId, "never");
			assertThat(this.runs.cancel(this.workspaceId, runId, this.ownerId, "Changed my mind")).isTrue();
		}
		finally {
			this.engines.local().resume();
		}
		assertThat(status(runId)).isEqualTo(RunStatus.CANCELLED);
		assertThat(column(runId, "attempt", Integer.class)).isZero();
	}

	@Test
	void capsLimitRunsPerAgentAndPerWorkspace() {
		String crewId = crew("Capped");
		List<String> agents = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			agents.add(agent(crewId, "Capped " + i));
		}
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 36; i++) {
			ids.add(submit(agents.get(i % agents.size()), crewId, "[[local:slow=600]] job " + i));
		}
		int maxWorkspace = 0;
		int maxAgent = 0;
		while (this.jdbc.queryForObject("select count(*) from run where id = any(?) and status = 'COMPLETED'",
				Integer.class, (Object) ids.toArray(String[]::new)) < ids.size()) {
			maxWorkspace = Math.max(maxWorkspace,
					this.jdbc.queryForObject("select count(*) from run where workspace_id = ? and status = 'RUNNING'",
							Integer.class, this.workspaceId));
			maxAgent = Math.max(maxAgent, this.jdbc.queryForObject("""
					select coalesce(max(n), 0) from (select count(*) as n from run
					 where workspace_id = ? and status = 'RUNNING' group by agent_id) c
					""", Integer.class, this.workspaceId));
			sleep(20);
		}
		assertThat(maxAgent).as("per agent").isEqualTo(4);
		assertThat(maxWorkspace).as("per workspace").isEqualTo(20);
	}

	@Test
	void runOfAnUnknownAgentFailsSayingSo() {
		String agentId = "agent-" + Cuid.next();
		String runId = submit(new NewRun(this.workspaceId, agentId, null, Trigger.MANUAL, "hello", List.of(), null,
				null, null, null, List.of(), null, this.ownerId));
		awaitStatus(runId, RunStatus.FAILED);
		assertThat(column(runId, "error", String.class)).contains(agentId).contains("not known");
	}

	@Test
	void secondRequestWithTheSameDedupKeyIsTheFirstRun() {
		String crewId = crew("Dedup");
		String agentId = agent(crewId, "Once");
		NewRun run = new NewRun(this.workspaceId, agentId, crewId, Trigger.MANUAL, "hi", List.of(), null, null, null,
				null, List.of(), "key-1", null);
		String first = submit(run);
		assertThat(submit(run)).isEqualTo(first);
		assertThat(Set.of(first)).hasSize(1);
	}

	@Test
	void runWhoseEndAListenerRefusesIsRecordedAsFailed() {
		String crewId = crew("Refusing");
		String agentId = agent(crewId, "Refused");
		ApplicationListener<ApplicationEvent> refusing = event -> {
			if (event instanceof PayloadApplicationEvent<?> payload && payload.getPayload() instanceof RunFinished done
					&& done.agentId().equals(agentId) && done.status() == RunStatus.COMPLETED) {
				throw new IllegalStateException("the task cannot take this result");
			}
		};
		this.context.addApplicationListener(refusing);
		try {
			String runId = submit(agentId, crewId, "finish me");
			awaitStatus(runId, RunStatus.FAILED);
			assertThat(column(runId, "error", String.class)).contains("Recording the run's end (COMPLETED) failed")
				.contains("the task cannot take this result");
			assertThat(column(runId, "output", String.class)).contains("not a language model");
		}
		finally {
			this.context.removeApplicationListener(refusing);
		}
	}

	@Test
	void expiredAgentTakesNoWork() {
		String crewId = crew("Ghosts");
		String agentId = agent(crewId, "Casper", Map.of("status", "EXPIRED"));
		String runId = submit(agentId, crewId, "boo");
		awaitStatus(runId, RunStatus.FAILED);
		assertThat(column(runId, "error", String.class)).contains("Casper cannot run while it is expired");
	}

	@Test
	void replicaThatStopsHandsItsRunsBackAtOnce() {
		String crewId = crew("Handover");
		String agentId = agent(crewId, "Baton");
		RunEngine leaving = this.engines.create("test-leaving-" + Cuid.next().substring(0, 6));
		this.engines.local().pause();
		String runId;
		long stopped;
		try {
			leaving.start();
			runId = submit(agentId, crewId, "Relay [[local:slow=1000]]");
			await("claimed by the leaving replica", Duration.ofSeconds(5),
					() -> leaving.replicaId().equals(column(runId, "lease_owner", String.class)));
			leaving.stop(); // a graceful shutdown: interrupted, handed back as PENDING
			stopped = System.nanoTime();
			assertThat(status(runId)).isEqualTo(RunStatus.PENDING);
		}
		finally {
			this.engines.local().resume();
		}
		await("taken over", Duration.ofSeconds(5), () -> "test-main".equals(column(runId, "claimed_by", String.class)));
		assertThat((System.nanoTime() - stopped) / 1_000_000).as("long before its lease (3 s) would expire")
			.isLessThan(1500);
		awaitStatus(runId, RunStatus.COMPLETED);
		assertThat(column(runId, "attempt", Integer.class)).isEqualTo(2);
		assertThat(column(runId, "recovered", Boolean.class)).isTrue();
	}

}
