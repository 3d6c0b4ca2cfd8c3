package crewship.issue.comments;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.issue.directory.People;
import crewship.issue.inbox.Mentions;
import crewship.issue.issues.Issue;
import crewship.issue.issues.IssueService;
import crewship.issue.workspace.Changes;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/** An issue's discussion, oldest first; authors are named from the local copies. */
@Service
public class Comments {

	static final int BODY_MAX = 64 * 1024;

	private final JdbcTemplate jdbc;

	private final IssueService issues;

	private final Changes changes;

	private final People people;

	private final Mentions mentions;

	Comments(JdbcTemplate jdbc, IssueService issues, Changes changes, People people, Mentions mentions) {
		this.jdbc = jdbc;
		this.issues = issues;
		this.changes = changes;
		this.people = people;
		this.mentions = mentions;
	}

	/** The comment shape of the page. */
	public record CommentView(String id, String missionId, String authorType, String authorId, String authorName,
			String body, Instant createdAt, Instant updatedAt) {
	}

	record CreateComment(String body) {
	}

	@Transactional(readOnly = true)
	List<CommentView> list(Scope scope, String crewRef, String identifier, PageParams page) {
		Issue issue = this.issues.locate(scope, crewRef, identifier);
		return this.jdbc.query("""
				select id, issue_id, author_type, author_id, body, created_at, updated_at from issue_comment
				 where issue_id = ? order by created_at, id limit ? offset ?
				""",
				(rs, n) -> view(scope.workspaceId(), rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
						rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant()),
				issue.id(), page.limit(), page.offset());
	}

	@Transactional
	CommentView create(Scope scope, String crewRef, String identifier, CreateComment request) {
		if (request.body() == null || request.body().isBlank()) {
			throw ProblemException.badRequest("body is required");
		}
		Issue issue = this.issues.locate(scope, crewRef, identifier);
		return add(scope, issue, request.body());
	}

	/** A user's comment on an issue (also a review's), counted on the issue. */
	@Transactional(propagation = Propagation.MANDATORY)
	public CommentView add(Scope scope, Issue issue, String body) {
		if (body.length() > BODY_MAX) {
			throw ProblemException.badRequest("body is at most " + BODY_MAX + " characters");
		}
		String id = Cuid.next();
		Instant now = Timestamps.now();
		this.jdbc.update("""
				insert into issue_comment (id, issue_id, author_type, author_id, body, created_at, updated_at)
				values (?, ?, 'user', ?, ?, ?, ?)
				""", id, issue.id(), scope.userId(), body, Timestamp.from(now), Timestamp.from(now));
		this.jdbc.update("update issue set comment_count = comment_count + 1 where id = ?", issue.id());
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", issue.id());
		data.put("identifier", issue.identifier());
		data.put("crew_id", issue.crewId());
		data.put("change", "comment_added");
		data.put("comment_id", id);
		this.changes.record("issue.updated", scope.workspaceId(), "issue", issue.id(), scope.userId(), data);
		this.mentions.commented(scope.workspaceId(), scope.userId(), issue, id, body);
		return view(scope.workspaceId(), id, issue.id(), People.USER, scope.userId(), body, now, now);
	}

	private CommentView view(String workspaceId, String id, String issueId, String authorType, String authorId,
			String body, Instant createdAt, Instant updatedAt) {
		String name = this.people.name(workspaceId, authorType, authorId);
		// the reference types author_name as a plain string: the id stands in for an
		// unknown name
		return new CommentView(id, issueId, authorType, authorId, (name != null) ? name : authorId, body, createdAt,
				updatedAt);
	}

}
