package crewship.crew.escalations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.crew.workspace.Changes;

/**
 * Expires past-deadline escalations — from the 60 s background sweep, the
 * {@code sweep-expired} endpoint, and the read paths before they answer. All go through
 * one statement: rows are claimed with {@code FOR UPDATE SKIP LOCKED} and flipped only
 * while still {@code PENDING}, so with any number of replicas sweeping at once each
 * escalation expires, and its {@code escalation.expired} event is written, exactly once.
 */
@Component
public class EscalationExpiry {

	static final int BATCH = 200;

	private final JdbcClient jdbc;

	private final Changes changes;

	private final TransactionTemplate transactions;

	EscalationExpiry(JdbcClient jdbc, Changes changes, PlatformTransactionManager transactions) {
		this.jdbc = jdbc;
		this.changes = changes;
		// its own transaction even when a caller's is open: an expiry found on the way to
		// a 409 must stay expired when that caller rolls back
		this.transactions = new TransactionTemplate(transactions);
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	private record Expired(String id, String workspaceId, String crewId, String agentId, String fromSlug) {
	}

	@Scheduled(fixedDelayString = "${crewship.escalations.sweep-interval:60s}",
			initialDelayString = "${crewship.escalations.sweep-interval:60s}")
	void scheduledSweep() {
		while (sweep(null) == BATCH) {
			// a full batch: more may be due
		}
	}

	/** Expires every due escalation of the workspace (all batches). @return how many */
	public int sweepWorkspace(String workspaceId) {
		int total = 0;
		int expired;
		do {
			expired = sweep(workspaceId);
			total += expired;
		}
		while (expired == BATCH);
		return total;
	}

	/**
	 * Expires one batch of due escalations, of one workspace or (null) of all.
	 * @return how many this call expired
	 */
	int sweep(String workspaceId) {
		Integer expired = this.transactions.execute(status -> {
			List<Expired> rows = this.jdbc.sql("""
					with due as (
					  select id from escalation
					   where status = 'PENDING' and deadline_at <= now()
					     and (cast(:ws as varchar) is null or workspace_id = :ws)
					   order by deadline_at limit :batch
					   for update skip locked)
					update escalation e set status = 'EXPIRED', resolved_at = now()
					  from due where e.id = due.id and e.status = 'PENDING'
					returning e.id, e.workspace_id, e.crew_id, e.agent_id, e.from_slug
					""")
				.param("ws", workspaceId)
				.param("batch", BATCH)
				.query((rs, n) -> new Expired(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
						rs.getString(5)))
				.list();
			for (Expired row : rows) {
				Map<String, Object> data = new LinkedHashMap<>();
				data.put("id", row.id());
				data.put("crew_id", row.crewId());
				data.put("status", Escalation.EXPIRED);
				data.put("from_slug", row.fromSlug());
				data.put("agent_id", row.agentId());
				this.changes.record("escalation.expired", row.workspaceId(), "escalation", row.id(), null, data);
			}
			return rows.size();
		});
		return (expired != null) ? expired : 0;
	}

}
