package crewship.issue.relations;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.issue.activity.ActivityLog;
import crewship.issue.issues.Issue;
import crewship.issue.issues.IssueService;
import crewship.issue.workspace.Changes;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * Links between issues of a workspace. {@code blocked_by} is stored as {@code blocks}
 * with the ends swapped, and read back flipped from the other end. A relation to itself,
 * one that exists already (either way round for the symmetric {@code relates_to}) and a
 * {@code blocks} that would close a cycle are refused with 409; the check and the insert
 * run under a per-workspace lock, so two opposite requests cannot both pass.
 */
@Service
public class Relations {

	static final Set<String> TYPES = Set.of("blocks", "blocked_by", "relates_to", "duplicate_of");

	/** How a stored relation reads from its target's side. */
	static final Map<String, String> FLIPPED = Map.of("blocks", "blocked_by", "relates_to", "relates_to",
			"duplicate_of", "duplicated_by");

	private final JdbcTemplate jdbc;

	private final IssueService issues;

	private final ActivityLog activity;

	private final Changes changes;

	Relations(JdbcTemplate jdbc, IssueService issues, ActivityLog activity, Changes changes) {
		this.jdbc = jdbc;
		this.issues = issues;
		this.activity = activity;
		this.changes = changes;
	}

	/** A relation seen from one issue ({@code source_id} is that issue). */
	record RelationView(String id, String sourceId, String targetId, String relationType, String targetIdentifier,
			String targetTitle, String targetStatus, Instant createdAt) {
	}

	record CreateRelation(String targetIdentifier, String relationType) {
	}

	@Transactional(readOnly = true)
	List<RelationView> list(Scope scope, String crewRef, String identifier, PageParams page) {
		Issue issue = this.issues.locate(scope, crewRef, identifier);
		return this.jdbc.query("""
				select r.id, r.relation_type, r.created_at, r.source_id = ? as outgoing,
				       o.id, o.identifier, o.title, o.status
				  from issue_relation r
				  join issue o on o.id = case when r.source_id = ? then r.target_id else r.source_id end
				 where r.source_id = ? or r.target_id = ?
				 order by r.created_at, r.id limit ? offset ?
				""", (rs, n) -> {
			boolean outgoing = rs.getBoolean(4);
			String type = rs.getString(2);
			return new RelationView(rs.getString(1), issue.id(), rs.getString(5),
					outgoing ? type : FLIPPED.getOrDefault(type, type), rs.getString(6), rs.getString(7),
					rs.getString(8), rs.getTimestamp(3).toInstant());
		}, issue.id(), issue.id(), issue.id(), issue.id(), page.limit(), page.offset());
	}

	@Transactional
	Map<String, Object> create(Scope scope, String crewRef, String identifier, CreateRelation request) {
		String type = (request.relationType() != null) ? request.relationType().trim().toLowerCase(Locale.ROOT) : "";
		if (!TYPES.contains(type)) {
			throw ProblemException
				.badRequest("relation_type must be one of blocks, blocked_by, relates_to, duplicate_of");
		}
		if (request.targetIdentifier() == null || request.targetIdentifier().isBlank()) {
			throw ProblemException.badRequest("target_identifier is required");
		}
		Issue issue = this.issues.locate(scope, crewRef, identifier);
		Issue target = this.issues.locate(scope, null, request.targetIdentifier().trim());
		if (issue.id().equals(target.id())) {
			throw ProblemException.conflict("An issue cannot be related to itself");
		}
		// one relation change at a time per workspace: the duplicate and cycle checks
		// hold
		this.jdbc.queryForList("select pg_advisory_xact_lock(hashtext(?))", "issue-relations:" + scope.workspaceId());
		boolean blockedBy = type.equals("blocked_by");
		String source = blockedBy ? target.id() : issue.id();
		String destination = blockedBy ? issue.id() : target.id();
		String stored = blockedBy ? "blocks" : type;
		Integer existing = this.jdbc.queryForObject(
				"""
						select count(*) from issue_relation
						 where relation_type = ? and ((source_id = ? and target_id = ?) or (? = 'relates_to' and source_id = ? and target_id = ?))
						""",
				Integer.class, stored, source, destination, stored, destination, source);
		if (existing != null && existing > 0) {
			throw ProblemException.conflict("This relation already exists");
		}
		if (stored.equals("blocks") && blocks(destination, source)) {
			throw ProblemException.conflict(
					"A blocks relation " + label(source, issue, target) + " -> " + label(destination, issue, target)
							+ " would close a cycle: the target already blocks the source, directly or through others");
		}
		String id = Cuid.next();
		this.jdbc.update(
				"""
						insert into issue_relation (id, workspace_id, source_id, target_id, relation_type, created_by, created_at)
						values (?, ?, ?, ?, ?, ?, ?)
						""",
				id, scope.workspaceId(), source, destination, stored, scope.userId(), Timestamp.from(Timestamps.now()));
		this.activity.byUser(issue.id(), scope.userId(), "relation_added", type + " " + target.identifier());
		changed(scope, issue, "relation_added", id);
		changed(scope, target, "relation_added", id);
		return Map.of("id", id, "status", "ok");
	}

	@Transactional
	void delete(Scope scope, String relationId) {
		List<Map<String, Object>> found = this.jdbc.queryForList(
				"select source_id, target_id from issue_relation where id = ? and workspace_id = ?", relationId,
				scope.workspaceId());
		if (found.isEmpty()) {
			throw ProblemException.notFound("Relation not found");
		}
		this.jdbc.update("delete from issue_relation where id = ?", relationId);
		for (String end : List.of((String) found.get(0).get("source_id"), (String) found.get(0).get("target_id"))) {
			Issue issue = this.issues.locate(scope, null, end);
			changed(scope, issue, "relation_removed", relationId);
		}
	}

	/** Whether {@code from} blocks {@code to}, directly or through a chain (bounded). */
	private boolean blocks(String from, String to) {
		Boolean reachable = this.jdbc.queryForObject("""
				with recursive chain(id, depth) as (
				    select target_id, 1 from issue_relation where source_id = ? and relation_type = 'blocks'
				  union
				    select r.target_id, c.depth + 1 from issue_relation r join chain c on r.source_id = c.id
				     where r.relation_type = 'blocks' and c.depth < 10000)
				select exists (select 1 from chain where id = ?)
				""", Boolean.class, from, to);
		return Boolean.TRUE.equals(reachable);
	}

	private static String label(String id, Issue issue, Issue target) {
		return id.equals(issue.id()) ? issue.identifier() : target.identifier();
	}

	private void changed(Scope scope, Issue issue, String change, String relationId) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", issue.id());
		data.put("identifier", issue.identifier());
		data.put("crew_id", issue.crewId());
		data.put("change", change);
		data.put("relation_id", relationId);
		this.changes.record("issue.updated", scope.workspaceId(), "issue", issue.id(), scope.userId(), data);
	}

}
