package crewship.issue.milestones;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.issue.workspace.Changes;
import crewship.issue.workspace.Fields;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * A project's milestones: appended at the end ({@code MAX(position) + 1}), with their
 * issue rollup; deleting one unlinks its issues. A milestone belongs to its project's
 * workspace: anything else is 404.
 */
@Service
public class Milestones {

	private static final String COLUMNS = """
			select m.*,
			       (select count(*) from issue i where i.milestone_id = m.id) as issue_count,
			       (select count(*) from issue i where i.milestone_id = m.id and i.status = 'DONE') as done_count
			  from milestone m
			""";

	private final NamedParameterJdbcTemplate jdbc;

	private final Changes changes;

	Milestones(NamedParameterJdbcTemplate jdbc, Changes changes) {
		this.jdbc = jdbc;
		this.changes = changes;
	}

	/** The milestone shape of the page. */
	record MilestoneView(String id, String projectId, String name, String description, String targetDate, String status,
			int position, int issueCount, int doneCount, Instant createdAt, Instant updatedAt) {
	}

	record CreateMilestone(String name, String description, String targetDate, String status) {
	}

	@Transactional(readOnly = true)
	List<MilestoneView> list(Scope scope, String projectId, PageParams page) {
		requireProject(scope.workspaceId(), projectId);
		return this.jdbc.query(COLUMNS
				+ " where m.project_id = :project order by m.position, m.created_at, m.id limit :limit offset :offset",
				new MapSqlParameterSource("project", projectId).addValue("limit", page.limit())
					.addValue("offset", page.offset()),
				(rs, n) -> view(rs));
	}

	@Transactional
	MilestoneView create(Scope scope, String projectId, CreateMilestone request) {
		requireProject(scope.workspaceId(), projectId);
		if (request.name() == null || request.name().isBlank()) {
			throw ProblemException.badRequest("name is required");
		}
		String name = capped("name", request.name().trim(), 200);
		// position = MAX + 1 under the project row's lock, so concurrent creates never
		// share one
		this.jdbc.queryForList("select id from project where id = :project for update",
				new MapSqlParameterSource("project", projectId), String.class);
		String id = Cuid.next();
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc.update("""
				insert into milestone (id, workspace_id, project_id, name, description, target_date, status, position,
				    created_at, updated_at)
				values (:id, :ws, :project, :name, :description, :target_date, :status,
				    (select coalesce(max(position), 0) + 1 from milestone where project_id = :project), :now, :now)
				""",
				new MapSqlParameterSource("id", id).addValue("ws", scope.workspaceId())
					.addValue("project", projectId)
					.addValue("name", name)
					.addValue("description", Fields.trimmedOrNull(request.description()))
					.addValue("target_date", capped("target_date", Fields.trimmedOrNull(request.targetDate()), 40))
					.addValue("status",
							(request.status() == null || request.status().isBlank()) ? "active"
									: capped("status", request.status().trim(), 32))
					.addValue("now", now));
		this.changes.record("milestone.created", scope.workspaceId(), "milestone", id, scope.userId(),
				Map.of("id", id, "project_id", projectId));
		return find(scope.workspaceId(), id).orElseThrow();
	}

	@Transactional
	MilestoneView update(Scope scope, String milestoneId, JsonNode body) {
		MilestoneView milestone = find(scope.workspaceId(), milestoneId).orElseThrow(Milestones::notFound);
		Map<String, Object> set = new LinkedHashMap<>();
		if (Fields.present(body, "name")) {
			set.put("name", Fields.requiredText(body, "name", 200));
		}
		if (Fields.present(body, "description")) {
			set.put("description", Fields.trimmedOrNull(Fields.text(body, "description", Integer.MAX_VALUE, true)));
		}
		if (Fields.present(body, "target_date")) {
			set.put("target_date", Fields.trimmedOrNull(Fields.text(body, "target_date", 40, true)));
		}
		if (Fields.present(body, "status")) {
			set.put("status", Fields.requiredText(body, "status", 32));
		}
		if (Fields.present(body, "position")) {
			Integer position = Fields.integer(body, "position");
			if (position == null) {
				throw ProblemException.badRequest("position must be an integer");
			}
			set.put("position", position);
		}
		if (set.isEmpty()) {
			throw ProblemException.badRequest("No fields to update");
		}
		MapSqlParameterSource params = new MapSqlParameterSource("id", milestoneId).addValue("now",
				Timestamp.from(Timestamps.now()));
		List<String> assignments = new ArrayList<>();
		set.forEach((column, value) -> {
			assignments.add(column + " = :" + column);
			params.addValue(column, value);
		});
		this.jdbc.update(
				"update milestone set " + String.join(", ", assignments) + ", updated_at = :now where id = :id",
				params);
		this.changes.record("milestone.updated", scope.workspaceId(), "milestone", milestoneId, scope.userId(),
				Map.of("id", milestoneId, "project_id", milestone.projectId()));
		return find(scope.workspaceId(), milestoneId).orElseThrow();
	}

	/** Unlinks the milestone's issues and deletes it, in one transaction. */
	@Transactional
	void delete(Scope scope, String milestoneId) {
		scope.demand(Action.MANAGE);
		MilestoneView milestone = find(scope.workspaceId(), milestoneId).orElseThrow(Milestones::notFound);
		MapSqlParameterSource params = new MapSqlParameterSource("id", milestoneId).addValue("now",
				Timestamp.from(Timestamps.now()));
		this.jdbc.update("update issue set milestone_id = null, updated_at = :now where milestone_id = :id", params);
		this.jdbc.update("delete from milestone where id = :id", params);
		this.changes.record("milestone.deleted", scope.workspaceId(), "milestone", milestoneId, scope.userId(),
				Map.of("id", milestoneId, "project_id", milestone.projectId()));
	}

	/**
	 * @throws ProblemException 400 when the id names no milestone of the workspace
	 */
	public void requireInWorkspace(String workspaceId, String milestoneId) {
		if (find(workspaceId, milestoneId).isEmpty()) {
			throw ProblemException.badRequest("milestone_id names no milestone of this workspace");
		}
	}

	private void requireProject(String workspaceId, String projectId) {
		Integer found = this.jdbc.queryForObject("select count(*) from project where id = :id and workspace_id = :ws",
				new MapSqlParameterSource("id", projectId).addValue("ws", workspaceId), Integer.class);
		if (found == null || found == 0) {
			throw ProblemException.notFound("Project not found");
		}
	}

	Optional<MilestoneView> find(String workspaceId, String milestoneId) {
		return this.jdbc
			.query(COLUMNS + " join project p on p.id = m.project_id where m.id = :id and p.workspace_id = :ws",
					new MapSqlParameterSource("id", milestoneId).addValue("ws", workspaceId), (rs, n) -> view(rs))
			.stream()
			.findFirst();
	}

	private static MilestoneView view(ResultSet rs) throws SQLException {
		return new MilestoneView(rs.getString("id"), rs.getString("project_id"), rs.getString("name"),
				rs.getString("description"), rs.getString("target_date"), rs.getString("status"), rs.getInt("position"),
				rs.getInt("issue_count"), rs.getInt("done_count"), rs.getTimestamp("created_at").toInstant(),
				rs.getTimestamp("updated_at").toInstant());
	}

	private static String capped(String field, String value, int max) {
		if (value != null && value.length() > max) {
			throw ProblemException.badRequest(field + " is at most " + max + " characters");
		}
		return value;
	}

	private static ProblemException notFound() {
		return ProblemException.notFound("Milestone not found");
	}

}
