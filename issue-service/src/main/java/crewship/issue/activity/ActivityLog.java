package crewship.issue.activity;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.issue.directory.People;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/**
 * An issue's activity log: significant changes (status, assignee, priority, description,
 * parent, relations, code links, reviews, run outcomes), written in the transaction of
 * the change; the 50 most recent are listed.
 */
@Component
public class ActivityLog {

	public static final int LIMIT = 50;

	private final JdbcTemplate jdbc;

	private final People people;

	ActivityLog(JdbcTemplate jdbc, People people) {
		this.jdbc = jdbc;
		this.people = people;
	}

	/** One entry of the page's shape. */
	public record Entry(String id, String missionId, String actorType, String actorId, String actorName, String action,
			String details, Instant createdAt) {
	}

	/**
	 * @param actorType {@code user} or {@code agent} (a run's outcome is its agent's)
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void record(String issueId, String actorType, String actorId, String action, String details) {
		this.jdbc.update(
				"insert into issue_activity (id, issue_id, actor_type, actor_id, action, details, created_at) values (?, ?, ?, ?, ?, ?, ?)",
				Cuid.next(), issueId, actorType, (actorId != null) ? actorId : "system", action, details,
				Timestamp.from(Timestamps.now()));
	}

	/** A person's change. */
	@Transactional(propagation = Propagation.MANDATORY)
	public void byUser(String issueId, String userId, String action, String details) {
		record(issueId, People.USER, userId, action, details);
	}

	public List<Entry> recent(String workspaceId, String issueId) {
		return this.jdbc.query("""
				select id, issue_id, actor_type, actor_id, action, details, created_at from issue_activity
				 where issue_id = ? order by created_at desc, id desc limit ?
				""",
				(rs, n) -> new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
						this.people.name(workspaceId, rs.getString(3), rs.getString(4)), rs.getString(5),
						rs.getString(6), rs.getTimestamp(7).toInstant()),
				issueId, LIMIT);
	}

}
