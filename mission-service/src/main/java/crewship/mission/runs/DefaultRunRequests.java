package crewship.mission.runs;

import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import crewship.mission.engine.EngineSignal;
import crewship.mission.runs.RunTransitions.Ending;
import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/**
 * {@link RunRequests} on the {@code run} table: a submit is an insert in the caller's
 * transaction (the engine is woken once it commits), a cancel of a PENDING run ends it at
 * once, of a RUNNING one marks it for the replica executing it.
 */
@Service
class DefaultRunRequests implements RunRequests {

	/** Longest prompt accepted; callers fence and cap untrusted input before this. */
	static final int PROMPT_MAX = 200_000;

	private final RunStore store;

	private final RunTransitions transitions;

	private final EngineSignal signal;

	private final AuditTrail audit;

	private final DomainEvents events;

	DefaultRunRequests(RunStore store, RunTransitions transitions, EngineSignal signal, AuditTrail audit,
			DomainEvents events) {
		this.events = events;
		this.store = store;
		this.transitions = transitions;
		this.signal = signal;
		this.audit = audit;
	}

	@Override
	@Transactional
	public String submit(NewRun run) {
		require(run.workspaceId(), "workspaceId");
		require(run.agentId(), "agentId");
		if (run.trigger() == null) {
			throw new IllegalArgumentException("A run needs a trigger");
		}
		if (run.prompt() == null || run.prompt().length() > PROMPT_MAX) {
			throw new IllegalArgumentException("A run needs a prompt of at most " + PROMPT_MAX + " characters");
		}
		String id = Cuid.next();
		// the engine continues the trace of whatever asked for the run
		Optional<String> inserted = this.store.insert(id, run, Timestamps.now(), this.events.currentTraceParent());
		if (inserted.isEmpty()) {
			return this.store.idByDedupKey(run.agentId(), run.dedupKey())
				.orElseThrow(() -> new IllegalStateException("Dedup key matched a run that is gone"));
		}
		wakeAfterCommit();
		return inserted.get();
	}

	@Override
	@Transactional
	public boolean cancel(String workspaceId, String runId, String actor, String reason) {
		Run run = this.store.lock(workspaceId, runId).orElse(null);
		if (run == null || run.status().terminal()) {
			return false;
		}
		String why = (reason != null && !reason.isBlank()) ? reason : "Cancelled";
		this.audit.record(new AuditRecord(workspaceId, actor, "run.cancel_requested", "run", run.id(),
				Map.of("agent_id", run.agentId(), "status", run.status().name(), "reason", why), null, null));
		if (run.status() == RunStatus.PENDING) {
			this.transitions.finish(run.id(), null, Ending.of(RunStatus.CANCELLED, why));
			return true;
		}
		this.store.jdbc().update("""
				update run set cancel_requested_at = coalesce(cancel_requested_at, now()),
				       cancel_reason = coalesce(cancel_reason, ?), updated_at = now()
				 where id = ?
				""", why, run.id());
		return true;
	}

	@Override
	@Transactional(readOnly = true)
	public Optional<RunStatus> status(String workspaceId, String runId) {
		return this.store.find(workspaceId, runId).map(Run::status);
	}

	private void wakeAfterCommit() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					DefaultRunRequests.this.signal.wake();
				}
			});
		}
		else {
			this.signal.wake();
		}
	}

	private static void require(String value, String name) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("A run needs " + name);
		}
	}

}
