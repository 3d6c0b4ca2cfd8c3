package crewship.crew.agents;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.crew.workspace.Changes;
import crewship.platform.ids.Timestamps;

/**
 * Ghosts contractors whose TTL elapsed ({@code agent.expired}). Safe with any number of
 * replicas: each sweep claims its rows with {@code FOR UPDATE SKIP LOCKED}, so a row is
 * expired, and its event published, exactly once.
 */
@Component
public class AgentExpiry {

	static final int BATCH = 100;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Changes changes;

	AgentExpiry(JdbcTemplate jdbc, TransactionTemplate transactions, Changes changes) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.changes = changes;
	}

	private record Due(String id, String workspaceId, String crewId, String name) {
	}

	@Scheduled(fixedDelayString = "${crewship.agents.expiry-interval:30s}",
			initialDelayString = "${crewship.agents.expiry-interval:30s}")
	void scheduledSweep() {
		while (sweep() == BATCH) {
			// a full batch: more may be due
		}
	}

	/** Expires one batch of due contractors. @return how many */
	public int sweep() {
		Integer expired = this.transactions.execute(status -> {
			List<Due> due = this.jdbc.query("""
					select id, workspace_id, crew_id, name from agent
					 where ephemeral and expired_at is null and deleted_at is null and expires_at <= now()
					 order by expires_at limit ? for update skip locked
					""", (rs, n) -> new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)), BATCH);
			Instant now = Timestamps.now();
			for (Due agent : due) {
				// the vault revokes a ghost's webhook secret on agent.expired; a rehire
				// mints a new one by rotation
				this.jdbc.update(
						"update agent set expired_at = ?, updated_at = ?, webhook_secret_rotated_at = null, version = version + 1 where id = ?",
						Timestamp.from(now), Timestamp.from(now), agent.id());
				Map<String, Object> data = new LinkedHashMap<>();
				data.put("id", agent.id());
				data.put("crew_id", agent.crewId());
				data.put("name", agent.name());
				data.put("expired_at", now);
				this.changes.record("agent.expired", agent.workspaceId(), "agent", agent.id(), null, data);
			}
			return due.size();
		});
		return (expired != null) ? expired : 0;
	}

}
