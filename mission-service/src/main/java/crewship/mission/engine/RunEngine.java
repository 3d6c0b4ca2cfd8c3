package crewship.mission.engine;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.agents.AgentProfile;
import crewship.mission.agents.AgentProfiles;
import crewship.mission.engine.Execution.Stop;
import crewship.mission.runs.Run;
import crewship.mission.runs.RunStatus;
import crewship.mission.runs.RunStore;
import crewship.mission.runs.RunTransitions;
import crewship.mission.runs.RunTransitions.Ending;
import crewship.platform.ids.Timestamps;

/**
 * One replica's run engine. It claims PENDING runs from the shared table (and RUNNING
 * ones whose lease expired: their replica died) with {@code FOR UPDATE SKIP LOCKED}, so
 * replicas never claim the same run; the per-workspace and per-agent caps hold across
 * replicas because a claim counts the running runs under a transaction-scoped advisory
 * lock of each workspace it claims in. Each claimed run executes on a virtual thread of
 * its own; the replica renews the leases of its runs, polls them for cancels and
 * interrupts a run that is cancelled, times out or whose lease it lost. A run's end is
 * recorded only while the replica still holds its lease, so a run is finished once.
 */
public class RunEngine {

	private static final Logger log = LoggerFactory.getLogger(RunEngine.class);

	/** Agent statuses that take no work: a ghost, and a hire awaiting approval. */
	static final Set<String> UNRUNNABLE = Set.of("EXPIRED", "PENDING_REVIEW");

	/** What an engine works with, shared by the engines of one JVM. */
	public record Parts(RunStore store, RunTransitions transitions, AgentProfiles profiles, AgentRuntime runtime,
			TransactionTemplate transactions, EngineSignal signal, LiveLog liveLog, DatabaseGate database,
			RunTracing tracing) {
	}

	private final String replicaId;

	private final EngineProperties properties;

	private final Parts parts;

	private final JdbcTemplate jdbc;

	private final Map<String, Execution> inFlight = new ConcurrentHashMap<>();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition wakeUp = this.lock.newCondition();

	private final Runnable signalListener = this::wake;

	private final AtomicBoolean running = new AtomicBoolean();

	private volatile boolean woken;

	private volatile boolean paused;

	private volatile Instant startedAt;

	private Thread claimer;

	private ScheduledExecutorService supervisor;

	private ExecutorService executor;

	public RunEngine(String replicaId, EngineProperties properties, Parts parts) {
		this.replicaId = replicaId;
		this.properties = properties;
		this.parts = parts;
		this.jdbc = parts.store().jdbc();
	}

	public String replicaId() {
		return this.replicaId;
	}

	public Instant startedAt() {
		return this.startedAt;
	}

	public int inFlight() {
		return this.inFlight.size();
	}

	public boolean isRunning() {
		return this.running.get();
	}

	/** Starts claiming, executing and supervising. */
	public void start() {
		if (!this.running.compareAndSet(false, true)) {
			return;
		}
		this.startedAt = Timestamps.now();
		this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("run-", 0).factory());
		this.supervisor = Executors.newScheduledThreadPool(1,
				Thread.ofPlatform().daemon().name("run-engine-supervisor-" + this.replicaId).factory());
		this.parts.signal().register(this.signalListener);
		heartbeat();
		long cancelPoll = this.properties.cancelPollInterval().toMillis();
		this.supervisor.scheduleWithFixedDelay(guarded(this::pollCancels), cancelPoll, cancelPoll,
				TimeUnit.MILLISECONDS);
		long renew = this.properties.leaseRenewInterval().toMillis();
		this.supervisor.scheduleWithFixedDelay(guarded(this::renewLeases), renew, renew, TimeUnit.MILLISECONDS);
		long beat = this.properties.heartbeatInterval().toMillis();
		this.supervisor.scheduleWithFixedDelay(guarded(this::heartbeat), beat, beat, TimeUnit.MILLISECONDS);
		this.supervisor.scheduleWithFixedDelay(guarded(this::pruneLog), 1, 10, TimeUnit.MINUTES);
		this.claimer = Thread.ofPlatform().daemon().name("run-engine-claim-" + this.replicaId).start(this::claimLoop);
		log.info("Run engine {} started", this.replicaId);
	}

	/**
	 * Stops gracefully: no more claims; runs in flight are interrupted and handed back as
	 * PENDING, so another replica (or this one after a restart) takes them at once.
	 */
	public void stop() {
		if (!this.running.compareAndSet(true, false)) {
			return;
		}
		halt(Stop.SHUTDOWN);
		List<String> handedBack = new ArrayList<>(this.inFlight.keySet());
		awaitExecutions(Duration.ofSeconds(5));
		try {
			// one statement: at shutdown the database may be going too, and each wait for
			// a connection costs its timeout
			Integer released = this.jdbc.queryForObject(
					"""
							with released as (
							    update run set status = 'PENDING', lease_owner = null, lease_expires_at = null, updated_at = now()
							     where id = any(?) and status = 'RUNNING' and lease_owner = ? returning id),
							     gone as (delete from engine_replica where replica_id = ?)
							select count(*) from released
							""",
					Integer.class, handedBack.toArray(String[]::new), this.replicaId, this.replicaId);
			if (released != null && released > 0) {
				log.info("Run engine {} handed back {} runs", this.replicaId, released);
			}
		}
		catch (RuntimeException ex) {
			log.warn("Run engine {} could not hand its runs back ({}); their leases will expire", this.replicaId,
					ex.toString());
		}
		log.info("Run engine {} stopped", this.replicaId);
	}

	/**
	 * Stops as if the process died: threads end, nothing is written — the leases of its
	 * runs expire and another replica recovers them (tests of that recovery).
	 */
	public void kill() {
		if (!this.running.compareAndSet(true, false)) {
			return;
		}
		halt(Stop.KILLED);
		awaitExecutions(Duration.ofSeconds(5));
	}

	/** No more claims until {@link #resume()}; runs in flight go on. */
	public void pause() {
		this.paused = true;
	}

	public void resume() {
		this.paused = false;
		wake();
	}

	private void halt(Stop reason) {
		this.parts.signal().unregister(this.signalListener);
		wake();
		if (this.claimer != null) {
			this.claimer.interrupt();
			joinQuietly(this.claimer);
		}
		this.supervisor.shutdownNow();
		this.inFlight.values().forEach(execution -> execution.stop(reason, null));
	}

	private void awaitExecutions(Duration wait) {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
				log.warn("Run engine {}: {} runs did not end within {}", this.replicaId, this.inFlight.size(), wait);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void wake() {
		this.lock.lock();
		try {
			this.woken = true;
			this.wakeUp.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void claimLoop() {
		long poll = this.properties.pollInterval().toNanos();
		while (this.running.get()) {
			try {
				this.lock.lock();
				try {
					long left = poll;
					while (!this.woken && left > 0 && this.running.get()) {
						left = this.wakeUp.awaitNanos(left);
					}
					this.woken = false;
				}
				finally {
					this.lock.unlock();
				}
				if (!this.running.get() || this.paused) {
					continue;
				}
				// claim until a claim comes back short: a burst is taken in batches
				while (this.running.get() && !this.paused && claimOnce() >= this.properties.claimBatch()) {
					Thread.onSpinWait();
				}
			}
			catch (InterruptedException ex) {
				if (!this.running.get()) {
					return;
				}
			}
			catch (RuntimeException ex) {
				log.warn("Run engine {}: claim failed: {}", this.replicaId, ex.toString());
				sleepQuietly(this.properties.pollInterval());
			}
		}
	}

	/**
	 * One claim: expired leases first (their runs count as running already), then PENDING
	 * runs within the caps and this replica's free slots.
	 * @return how many runs were claimed
	 */
	int claimOnce() {
		int free = this.properties.maxInFlight() - this.inFlight.size();
		if (free <= 0) {
			return 0;
		}
		int batch = Math.min(free, this.properties.claimBatch());
		List<Claimed> claimed = this.parts.transactions().execute(status -> {
			List<Claimed> taken = new ArrayList<>(recoverExpired(batch));
			if (taken.size() < batch) {
				taken.addAll(claimPending(batch - taken.size()));
			}
			return taken;
		});
		if (claimed != null) {
			claimed.forEach(this::launch);
			return claimed.size();
		}
		return 0;
	}

	private record Claimed(Run run, AgentProfile profile, io.micrometer.tracing.Span span) {
	}

	private List<Claimed> recoverExpired(int batch) {
		List<Map<String, Object>> expired = this.jdbc.queryForList("""
				select id, lease_owner from run
				 where status = 'RUNNING' and lease_expires_at < now()
				 order by lease_expires_at limit ? for update skip locked
				""", batch);
		if (expired.isEmpty()) {
			return List.of();
		}
		Map<String, String> previousOwners = new HashMap<>();
		expired.forEach(row -> previousOwners.put((String) row.get("id"), (String) row.get("lease_owner")));
		List<Run> runs = this.jdbc.query("""
				update run set lease_owner = ?, lease_expires_at = now() + ?::interval, attempt = attempt + 1,
				       recovered = true, claimed_by = ?, updated_at = now()
				 where id = any(?)
				returning
				""" + RunStore.COLUMNS, this.parts.store().mapper(), this.replicaId,
				interval(this.properties.leaseDuration()), this.replicaId,
				previousOwners.keySet().toArray(String[]::new));
		List<Claimed> claimed = new ArrayList<>();
		for (Run run : runs) {
			log.warn("Run engine {} recovers run {} (attempt {}): the lease of {} expired", this.replicaId, run.id(),
					run.attempt(), previousOwners.get(run.id()));
			io.micrometer.tracing.Span span = this.parts.tracing().start(run);
			try (var scope = this.parts.tracing().inScope(span)) {
				this.parts.transitions().recovered(run, previousOwners.get(run.id()));
			}
			claimed.add(new Claimed(run, null, span));
		}
		return claimed;
	}

	private List<Claimed> claimPending(int batch) {
		// candidates, oldest first, already thinned to what the caps could admit
		List<Map<String, Object>> candidates = this.jdbc.queryForList("""
				select id, workspace_id, agent_id from (
				    select p.id, p.workspace_id, p.agent_id, p.created_at,
				           row_number() over (partition by p.workspace_id order by p.created_at, p.id) as ws_n,
				           row_number() over (partition by p.agent_id order by p.created_at, p.id) as agent_n
				      from (select id, workspace_id, agent_id, created_at from run where status = 'PENDING'
				             order by created_at, id limit ?) p) c
				 where c.ws_n <= ? and c.agent_n <= ?
				 order by c.created_at, c.id limit ?
				""", Math.max(500, batch * 5), this.properties.maxPerWorkspace(), this.properties.maxPerAgent(),
				batch * 3);
		if (candidates.isEmpty()) {
			return List.of();
		}
		List<Map<String, Object>> locked = this.jdbc.queryForList("""
				select id, workspace_id, agent_id from run where id = any(?) and status = 'PENDING'
				 order by created_at, id for update skip locked
				""", (Object) candidates.stream().map(row -> (String) row.get("id")).toArray(String[]::new));
		if (locked.isEmpty()) {
			return List.of();
		}
		Set<String> workspaces = new TreeSet<>();
		locked.forEach(row -> workspaces.add((String) row.get("workspace_id")));
		for (String workspace : workspaces) { // in order: two claims never wait on each
												// other in a cycle
			this.jdbc.queryForList("select pg_advisory_xact_lock(hashtextextended(?, 0))",
					"mission.claim:" + workspace);
		}
		Map<String, Integer> perWorkspace = new HashMap<>();
		Map<String, Integer> perAgent = new HashMap<>();
		this.jdbc.query("""
				select workspace_id, agent_id, count(*) from run
				 where status = 'RUNNING' and workspace_id = any(?) group by workspace_id, agent_id
				""", rs -> {
			perWorkspace.merge(rs.getString(1), rs.getInt(3), Integer::sum);
			perAgent.merge(rs.getString(2), rs.getInt(3), Integer::sum);
		}, (Object) workspaces.toArray(String[]::new));
		List<String> chosen = new ArrayList<>();
		Set<String> idleAgents = new java.util.HashSet<>();
		for (Map<String, Object> row : locked) {
			if (chosen.size() >= batch) {
				break;
			}
			String workspace = (String) row.get("workspace_id");
			String agent = (String) row.get("agent_id");
			if (perWorkspace.getOrDefault(workspace, 0) >= this.properties.maxPerWorkspace()
					|| perAgent.getOrDefault(agent, 0) >= this.properties.maxPerAgent()) {
				continue;
			}
			if (perAgent.getOrDefault(agent, 0) == 0) {
				idleAgents.add(agent);
			}
			perWorkspace.merge(workspace, 1, Integer::sum);
			perAgent.merge(agent, 1, Integer::sum);
			chosen.add((String) row.get("id"));
		}
		if (chosen.isEmpty()) {
			return List.of();
		}
		Timestamp now = Timestamp.from(Timestamps.now());
		List<Run> runs = this.jdbc.query("""
				update run set status = 'RUNNING', lease_owner = ?, lease_expires_at = now() + ?::interval,
				       attempt = attempt + 1, recovered = recovered or attempt > 0, claimed_by = ?,
				       started_at = coalesce(started_at, ?), updated_at = ?
				 where id = any(?)
				returning
				""" + RunStore.COLUMNS, this.parts.store().mapper(), this.replicaId,
				interval(this.properties.leaseDuration()), this.replicaId, now, now, chosen.toArray(String[]::new));
		List<Claimed> claimed = new ArrayList<>();
		for (Run run : runs) {
			io.micrometer.tracing.Span span = this.parts.tracing().start(run);
			try (var scope = this.parts.tracing().inScope(span)) {
				this.parts.transitions().started(run, idleAgents.remove(run.agentId()));
			}
			claimed.add(new Claimed(run, null, span));
		}
		return claimed;
	}

	private void launch(Claimed claimed) {
		Execution execution = new Execution(claimed.run(), claimed.span());
		this.inFlight.put(claimed.run().id(), execution);
		try {
			this.executor.execute(() -> execute(execution));
		}
		catch (RuntimeException ex) { // shutting down: the run is handed back or
										// recovered
			this.inFlight.remove(claimed.run().id());
		}
	}

	private void execute(Execution execution) {
		try (var scope = this.parts.tracing().inScope(execution.span())) {
			executeTraced(execution);
		}
		finally {
			if (execution.span() != null) {
				execution.span().end();
			}
		}
	}

	private void executeTraced(Execution execution) {
		Run run = execution.run();
		execution.bind(Thread.currentThread());
		Ending ending;
		LiveLog.Sink sink = null;
		try {
			AgentProfile agent = this.parts.database()
				.call(() -> this.parts.profiles().find(run.workspaceId(), run.agentId()))
				.orElse(null);
			if (run.attempt() > this.properties.maxAttempts()) {
				ending = Ending.of(RunStatus.FAILED, "Gave up after " + this.properties.maxAttempts()
						+ " attempts: the replicas executing it stopped before it ended");
			}
			else if (agent == null) {
				ending = Ending.of(RunStatus.FAILED, "Agent " + run.agentId()
						+ " is not known to mission-service: it was deleted, or crew-service has not announced it");
			}
			else if (UNRUNNABLE.contains(agent.status())) {
				ending = Ending.of(RunStatus.FAILED, "Agent " + agent.name() + " cannot run while it is "
						+ agent.status().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
			}
			else {
				Duration timeout = (agent.timeoutSeconds() != null) ? Duration.ofSeconds(agent.timeoutSeconds())
						: this.properties.defaultTimeout();
				execution.timeoutAfter(this.supervisor, timeout);
				sink = this.parts.liveLog().open(run, agent);
				execution.attach(sink);
				sink.lifecycle("info", "run.started", "Run " + run.id() + " started");
				RuntimeRequest request = new RuntimeRequest(run.id(), run.workspaceId(), agent, run.trigger(),
						run.prompt(), run.conversation(), timeout);
				ending = outcome(execution, sink, this.parts.runtime().execute(request, sink));
			}
		}
		catch (InterruptedException ex) {
			ending = stopped(execution, sink);
		}
		catch (RuntimeException ex) {
			ending = (execution.stopReason() != null) ? stopped(execution, sink)
					: Ending.of(RunStatus.FAILED, "The runtime failed: " + ex.getMessage());
			if (execution.stopReason() == null) {
				log.warn("Run {} failed in its runtime", run.id(), ex);
			}
		}
		finally {
			execution.done();
			Thread.interrupted(); // a late interrupt must not fail the write below
		}
		try {
			if (ending != null) {
				record(run, ending, sink);
			}
		}
		finally {
			this.inFlight.remove(run.id());
			wake(); // a slot is free
		}
	}

	private static Ending outcome(Execution execution, LiveLog.Sink sink, crewship.mission.engine.RunOutcome outcome) {
		if (execution.stopReason() != null) {
			return stopped(execution, sink);
		}
		if (outcome == null) {
			return Ending.of(RunStatus.FAILED, "The runtime returned no outcome");
		}
		String text = (outcome.text() != null) ? outcome.text() : sink.text();
		if (outcome.succeeded()) {
			return new Ending(RunStatus.COMPLETED, text, null, outcome.runtime(), outcome.provider(), outcome.model(),
					outcome.inputTokens(), outcome.outputTokens(), outcome.costUsd());
		}
		return new Ending(RunStatus.FAILED, sink.text(),
				(outcome.error() != null) ? outcome.error() : "The runtime reported a failure", outcome.runtime(),
				outcome.provider(), outcome.model(), outcome.inputTokens(), outcome.outputTokens(), outcome.costUsd());
	}

	/**
	 * The ending of an interrupted run; null when nothing may be written (lost lease).
	 */
	private static Ending stopped(Execution execution, LiveLog.Sink sink) {
		Stop reason = execution.stopReason();
		String partial = (sink != null) ? sink.text() : null;
		if (reason == null) {
			return new Ending(RunStatus.FAILED, partial, "The runtime was interrupted", null, null, null, 0, 0, 0);
		}
		return switch (reason) {
			case CANCELLED ->
				new Ending(RunStatus.CANCELLED, partial, execution.stopDetail(), null, null, null, 0, 0, 0);
			case TIMEOUT -> new Ending(RunStatus.TIMEOUT, partial, execution.stopDetail(), null, null, null, 0, 0, 0);
			case LEASE_LOST, SHUTDOWN, KILLED -> null;
		};
	}

	private void record(Run run, Ending ending, LiveLog.Sink sink) {
		if (sink != null) {
			sink.flush();
		}
		Run finished;
		try {
			finished = this.parts.database()
				.callUninterruptibly(() -> this.parts.transactions()
					.execute(status -> this.parts.transitions().finish(run.id(), this.replicaId, ending)));
		}
		catch (RuntimeException ex) {
			// a listener of RunFinished (or the database) refused the ending: record the
			// failure instead, or leave the run to its lease and the attempt limit
			log.error("Recording the end of run {} ({}) failed; recording it as FAILED", run.id(), ending.status(), ex);
			Ending failure = new Ending(RunStatus.FAILED, ending.output(),
					"Recording the run's end (" + ending.status() + ") failed: " + ex.getMessage(), ending.runtime(),
					ending.provider(), ending.model(), ending.inputTokens(), ending.outputTokens(), ending.costUsd());
			try {
				finished = this.parts.database()
					.callUninterruptibly(() -> this.parts.transactions()
						.execute(status -> this.parts.transitions().finish(run.id(), this.replicaId, failure)));
			}
			catch (RuntimeException again) {
				log.error("Run {} could not be ended; its lease will expire and it is tried again", run.id(), again);
				return;
			}
		}
		if (finished == null) {
			log.info("Run {} ended on {} after another replica or a cancel took it; its ending is dropped", run.id(),
					this.replicaId);
		}
		else if (sink != null) {
			sink.lifecycle(ending.status() == RunStatus.COMPLETED ? "info" : "error",
					"run." + ending.status().name().toLowerCase(java.util.Locale.ROOT), "Run " + run.id() + " "
							+ ending.status() + ((ending.error() != null) ? ": " + ending.error() : ""));
		}
	}

	/** Interrupts this replica's runs that were cancelled in the database. */
	void pollCancels() {
		this.inFlight.values().forEach(Execution::flushDue);
		if (this.inFlight.isEmpty()) {
			return;
		}
		this.jdbc.query("""
				select id, cancel_reason from run
				 where id = any(?) and cancel_requested_at is not null and lease_owner = ?
				""", rs -> {
			Execution execution = this.inFlight.get(rs.getString(1));
			if (execution != null) {
				String reason = rs.getString(2);
				execution.stop(Stop.CANCELLED, (reason != null) ? reason : "Cancelled");
			}
		}, this.inFlight.keySet().toArray(String[]::new), this.replicaId);
	}

	/**
	 * Renews the leases of this replica's runs; a run whose lease is gone (expired and
	 * recovered elsewhere) is interrupted without a word.
	 */
	void renewLeases() {
		if (this.inFlight.isEmpty()) {
			return;
		}
		Map<String, Execution> snapshot = new LinkedHashMap<>(this.inFlight);
		List<String> renewed = this.jdbc.queryForList("""
				update run set lease_expires_at = now() + ?::interval
				 where id = any(?) and status = 'RUNNING' and lease_owner = ?
				returning id
				""", String.class, interval(this.properties.leaseDuration()), snapshot.keySet().toArray(String[]::new),
				this.replicaId);
		snapshot.keySet().removeAll(renewed);
		snapshot.values().forEach(execution -> {
			if (!execution.isDone()) {
				log.warn("Run engine {} lost the lease of run {}", this.replicaId, execution.run().id());
				execution.stop(Stop.LEASE_LOST, null);
			}
		});
	}

	void heartbeat() {
		this.jdbc.update("""
				insert into engine_replica (replica_id, host, started_at, heartbeat_at, in_flight, runtime)
				values (?, ?, ?, now(), ?, ?)
				on conflict (replica_id) do update
				   set heartbeat_at = now(), in_flight = excluded.in_flight, runtime = excluded.runtime
				""", this.replicaId, host(), Timestamp.from(this.startedAt), this.inFlight.size(),
				this.parts.runtime().getClass().getSimpleName());
	}

	private void pruneLog() {
		this.jdbc.update("delete from run_log where id in (select id from run_log where ts < ? limit 10000)",
				Timestamp.from(Timestamps.now().minus(this.properties.logRetention())));
		this.jdbc.update("delete from engine_replica where heartbeat_at < now() - interval '1 day'");
	}

	private Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				log.warn("Run engine {}: {}", this.replicaId, ex.toString());
			}
		};
	}

	private static String interval(Duration duration) {
		return duration.toMillis() + " milliseconds";
	}

	static String host() {
		String host = System.getenv("HOSTNAME");
		if (host == null || host.isBlank()) {
			try {
				host = java.net.InetAddress.getLocalHost().getHostName();
			}
			catch (java.io.IOException ex) {
				host = "unknown";
			}
		}
		return host;
	}

	private static void joinQuietly(Thread thread) {
		try {
			thread.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
