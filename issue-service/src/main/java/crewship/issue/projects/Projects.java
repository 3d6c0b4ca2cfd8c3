package crewship.issue.projects;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.issue.directory.People;
import crewship.issue.directory.People.Person;
import crewship.issue.issues.Priority;
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
 * Workspace projects: a slug derived from the name and unique per workspace (409), a lead
 * that must be a member or agent of the workspace, and the issue rollup computed at read
 * time. Deleting a project unlinks its issues.
 */
@Service
public class Projects {

	static final int NAME_MAX = 200;

	static final int SHORT_MAX = 32;

	static final int DATE_MAX = 40;

	/** The rollup counts REVIEW with DONE, as the page says. */
	private static final String COLUMNS = """
			select p.*,
			       (select count(*) from issue i where i.project_id = p.id) as issue_count,
			       (select count(*) from issue i where i.project_id = p.id and i.status in ('DONE', 'REVIEW')) as done_count
			  from project p
			""";

	private static final Map<String, String> ORDER = Map.of("created_at", "p.created_at desc, p.id", "updated_at",
			"p.updated_at desc, p.id");

	private final NamedParameterJdbcTemplate jdbc;

	private final Changes changes;

	private final People people;

	Projects(NamedParameterJdbcTemplate jdbc, Changes changes, People people) {
		this.jdbc = jdbc;
		this.changes = changes;
		this.people = people;
	}

	record CreateProject(String name, String description, String icon, String color, String status, String priority,
			String leadType, String leadId, String startDate, String targetDate) {
	}

	@Transactional(readOnly = true)
	List<ProjectView> list(Scope scope, String status, String sort, PageParams page) {
		MapSqlParameterSource params = new MapSqlParameterSource("ws", scope.workspaceId())
			.addValue("limit", page.limit())
			.addValue("offset", page.offset());
		StringBuilder sql = new StringBuilder(COLUMNS).append(" where p.workspace_id = :ws");
		if (status != null && !status.isBlank()) {
			sql.append(" and p.status in (:statuses)");
			params.addValue("statuses",
					Arrays.stream(status.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
		}
		sql.append(" order by ")
			.append(ORDER.getOrDefault((sort != null) ? sort.trim() : "", "p.name, p.id"))
			.append(" limit :limit offset :offset");
		return this.jdbc.query(sql.toString(), params, (rs, n) -> view(scope.workspaceId(), rs));
	}

	@Transactional(readOnly = true)
	ProjectView get(Scope scope, String projectId) {
		return find(scope.workspaceId(), projectId).orElseThrow(Projects::notFound);
	}

	@Transactional
	ProjectView create(Scope scope, CreateProject request) {
		if (request.name() == null || request.name().isBlank()) {
			throw ProblemException.badRequest("name is required");
		}
		String name = capped("name", request.name().trim(), NAME_MAX);
		String slug = slug(name);
		requireFreeSlug(scope.workspaceId(), slug, null);
		Person lead = this.people.require(scope.workspaceId(), "lead", Fields.trimmedOrNull(request.leadType()),
				Fields.trimmedOrNull(request.leadId()));
		String id = Cuid.next();
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc.update("""
				insert into project (id, workspace_id, name, slug, description, icon, color, status, priority, health,
				    lead_type, lead_id, start_date, target_date, created_at, updated_at)
				values (:id, :ws, :name, :slug, :description, :icon, :color, :status, :priority, 'on_track',
				    :lead_type, :lead_id, :start_date, :target_date, :now, :now)
				""",
				new MapSqlParameterSource("id", id).addValue("ws", scope.workspaceId())
					.addValue("name", name)
					.addValue("slug", slug)
					.addValue("description", Fields.trimmedOrNull(request.description()))
					.addValue("icon", capped("icon", Fields.trimmedOrNull(request.icon()), 64))
					.addValue("color", orDefault(capped("color", request.color(), SHORT_MAX), "blue"))
					.addValue("status", orDefault(capped("status", request.status(), SHORT_MAX), "backlog"))
					.addValue("priority",
							(request.priority() != null && !request.priority().isBlank())
									? Priority.parse("priority", request.priority()) : "none")
					.addValue("lead_type", (lead != null) ? lead.type() : null)
					.addValue("lead_id", (lead != null) ? lead.id() : null)
					.addValue("start_date", capped("start_date", Fields.trimmedOrNull(request.startDate()), DATE_MAX))
					.addValue("target_date",
							capped("target_date", Fields.trimmedOrNull(request.targetDate()), DATE_MAX))
					.addValue("now", now));
		this.changes.record("project.created", scope.workspaceId(), "project", id, scope.userId(),
				Map.of("id", id, "name", name));
		return get(scope, id);
	}

	@Transactional
	ProjectView update(Scope scope, String projectId, JsonNode body) {
		ProjectView project = find(scope.workspaceId(), projectId).orElseThrow(Projects::notFound);
		Map<String, Object> set = new LinkedHashMap<>();
		if (Fields.present(body, "name")) {
			String name = Fields.requiredText(body, "name", NAME_MAX);
			String slug = slug(name);
			requireFreeSlug(scope.workspaceId(), slug, projectId);
			set.put("name", name);
			set.put("slug", slug);
		}
		text(body, "description", Integer.MAX_VALUE, set);
		text(body, "icon", 64, set);
		required(body, "color", set);
		required(body, "status", set);
		required(body, "health", set);
		if (Fields.present(body, "priority")) {
			set.put("priority", Priority.parse("priority", Fields.text(body, "priority", SHORT_MAX, false)));
		}
		if (Fields.present(body, "lead_type") || Fields.present(body, "lead_id")) {
			String type = Fields.present(body, "lead_type")
					? Fields.trimmedOrNull(Fields.text(body, "lead_type", 8, true)) : project.leadType();
			String id = Fields.present(body, "lead_id") ? Fields.trimmedOrNull(Fields.text(body, "lead_id", 64, true))
					: project.leadId();
			if (id == null) {
				type = null; // clearing the lead clears its type
			}
			Person lead = this.people.require(scope.workspaceId(), "lead", type, id);
			set.put("lead_type", (lead != null) ? lead.type() : null);
			set.put("lead_id", (lead != null) ? lead.id() : null);
		}
		text(body, "start_date", DATE_MAX, set);
		text(body, "target_date", DATE_MAX, set);
		if (set.isEmpty()) {
			throw ProblemException.badRequest("No fields to update");
		}
		MapSqlParameterSource params = new MapSqlParameterSource("id", projectId).addValue("now",
				Timestamp.from(Timestamps.now()));
		List<String> assignments = new ArrayList<>();
		set.forEach((column, value) -> {
			assignments.add(column + " = :" + column);
			params.addValue(column, value);
		});
		this.jdbc.update("update project set " + String.join(", ", assignments) + ", updated_at = :now where id = :id",
				params);
		this.changes.record("project.updated", scope.workspaceId(), "project", projectId, scope.userId(),
				Map.of("id", projectId));
		return get(scope, projectId);
	}

	/** Unlinks the project's issues, then deletes it (and its milestones). */
	@Transactional
	void delete(Scope scope, String projectId) {
		scope.demand(Action.MANAGE);
		find(scope.workspaceId(), projectId).orElseThrow(Projects::notFound);
		MapSqlParameterSource params = new MapSqlParameterSource("id", projectId).addValue("now",
				Timestamp.from(Timestamps.now()));
		this.jdbc.update("""
				update issue set project_id = null, milestone_id = null, updated_at = :now
				 where project_id = :id or milestone_id in (select id from milestone where project_id = :id)
				""", params);
		this.jdbc.update("delete from project where id = :id", params);
		this.changes.record("project.deleted", scope.workspaceId(), "project", projectId, scope.userId(),
				Map.of("id", projectId));
	}

	@Transactional(readOnly = true)
	Map<String, Object> stats(Scope scope, String projectId) {
		find(scope.workspaceId(), projectId).orElseThrow(Projects::notFound);
		MapSqlParameterSource params = new MapSqlParameterSource("id", projectId).addValue("ws", scope.workspaceId());
		Map<String, Integer> byStatus = new LinkedHashMap<>();
		this.jdbc.query("select status, count(*) from issue where project_id = :id group by status order by status",
				params, (ResultSet rs) -> {
					byStatus.put(rs.getString(1), rs.getInt(2));
				});
		int total = byStatus.values().stream().mapToInt(Integer::intValue).sum();
		List<Map<String, Object>> byAssignee = this.jdbc.query("""
				select i.assignee_type, i.assignee_id, count(*) as total,
				       count(*) filter (where i.status = 'DONE') as completed
				  from issue i where i.project_id = :id and i.assignee_id is not null
				 group by i.assignee_type, i.assignee_id order by total desc, i.assignee_id limit 100
				""", params, (rs, n) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			String type = rs.getString(1);
			String prefix = People.AGENT.equals(type) ? "agent" : "user";
			row.put(prefix + "_id", rs.getString(2));
			row.put(prefix + "_name", this.people.name(scope.workspaceId(), type, rs.getString(2)));
			row.put("total", rs.getInt(3));
			row.put("completed", rs.getInt(4));
			return row;
		});
		List<Map<String, Object>> byLabel = this.jdbc.query("""
				select l.name, l.color, count(*) from issue i
				 cross join unnest(i.label_ids) as il(label_id) join label l on l.id = il.label_id
				 where i.project_id = :id group by l.id, l.name, l.color order by count(*) desc, l.name limit 100
				""", params, (rs, n) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("label_name", rs.getString(1));
			row.put("color", rs.getString(2));
			row.put("count", rs.getInt(3));
			return row;
		});
		List<String> crews = this.jdbc.queryForList(
				"select distinct crew_id from issue where project_id = :id order by crew_id limit 100", params,
				String.class);
		Map<String, Object> stats = new LinkedHashMap<>();
		stats.put("total_issues", total);
		stats.put("completed_issues", byStatus.getOrDefault("DONE", 0));
		stats.put("by_status", byStatus);
		stats.put("by_assignee", byAssignee);
		stats.put("by_label", byLabel);
		stats.put("crews", crews);
		return stats;
	}

	/**
	 * @throws ProblemException 400 when the id names no project of the workspace
	 */
	public void requireInWorkspace(String workspaceId, String projectId) {
		if (find(workspaceId, projectId).isEmpty()) {
			throw ProblemException.badRequest("project_id names no project of this workspace");
		}
	}

	Optional<ProjectView> find(String workspaceId, String projectId) {
		return this.jdbc
			.query(COLUMNS + " where p.workspace_id = :ws and p.id = :id",
					new MapSqlParameterSource("ws", workspaceId).addValue("id", projectId),
					(rs, n) -> view(workspaceId, rs))
			.stream()
			.findFirst();
	}

	private ProjectView view(String workspaceId, ResultSet rs) throws SQLException {
		int issues = rs.getInt("issue_count");
		int done = rs.getInt("done_count");
		return new ProjectView(rs.getString("id"), rs.getString("workspace_id"), rs.getString("name"),
				rs.getString("slug"), rs.getString("description"), rs.getString("icon"), rs.getString("color"),
				rs.getString("status"), rs.getString("priority"), rs.getString("health"), rs.getString("lead_type"),
				rs.getString("lead_id"),
				this.people.name(workspaceId, rs.getString("lead_type"), rs.getString("lead_id")),
				rs.getString("start_date"), rs.getString("target_date"), rs.getTimestamp("created_at").toInstant(),
				rs.getTimestamp("updated_at").toInstant(), issues, done, (issues == 0) ? 0 : done * 100 / issues);
	}

	private void requireFreeSlug(String workspaceId, String slug, String exceptId) {
		Integer taken = this.jdbc.queryForObject(
				"select count(*) from project where workspace_id = :ws and slug = :slug and id <> coalesce(:id, '')",
				new MapSqlParameterSource("ws", workspaceId).addValue("slug", slug).addValue("id", exceptId),
				Integer.class);
		if (taken != null && taken > 0) {
			throw ProblemException.conflict("A project with the slug '" + slug + "' already exists in this workspace");
		}
	}

	/** "Launch Prep" and "launch-prep" share the slug {@code launch-prep}. */
	static String slug(String name) {
		String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
		String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
		if (slug.isEmpty()) {
			throw ProblemException.badRequest("name must contain letters or digits");
		}
		return (slug.length() > NAME_MAX) ? slug.substring(0, NAME_MAX) : slug;
	}

	private static void text(JsonNode body, String field, int max, Map<String, Object> set) {
		if (Fields.present(body, field)) {
			set.put(field, Fields.trimmedOrNull(Fields.text(body, field, max, true)));
		}
	}

	private static void required(JsonNode body, String field, Map<String, Object> set) {
		if (Fields.present(body, field)) {
			set.put(field, Fields.requiredText(body, field, SHORT_MAX));
		}
	}

	private static String capped(String field, String value, int max) {
		if (value != null && value.length() > max) {
			throw ProblemException.badRequest(field + " is at most " + max + " characters");
		}
		return value;
	}

	private static String orDefault(String value, String fallback) {
		return (value == null || value.isBlank()) ? fallback : value.trim();
	}

	private static ProblemException notFound() {
		return ProblemException.notFound("Project not found");
	}

}
