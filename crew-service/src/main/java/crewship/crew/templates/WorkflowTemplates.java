package crewship.crew.templates;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * Workflow templates: a workspace's own stage arrays and the built-in ones every
 * workspace sees (seeded from resources, read-only). Served under both
 * {@code /api/v1/workflow-templates} (their page) and {@code /api/v1/templates} (the
 * skills page's section on them) from one table.
 */
@Service
class WorkflowTemplates {

	static final int MAX_LISTED = 200;

	private final JdbcClient jdbc;

	private final Changes changes;

	WorkflowTemplates(JdbcClient jdbc, Changes changes) {
		this.jdbc = jdbc;
		this.changes = changes;
	}

	/**
	 * A template as both pages show it ({@code workspace_id} is extra on one, and absent
	 * on a built-in template, which belongs to no workspace).
	 */
	record Template(String id, @JsonInclude(JsonInclude.Include.NON_NULL) String workspaceId, String name,
			String description, String templateJson, String icon, String color, boolean isBuiltin, Instant createdAt,
			Instant updatedAt) {

		static Template read(ResultSet rs, int row) throws SQLException {
			return new Template(rs.getString("id"), rs.getString("workspace_id"), rs.getString("name"),
					rs.getString("description"), rs.getString("template_json"), rs.getString("icon"),
					rs.getString("color"), rs.getBoolean("is_builtin"), rs.getTimestamp("created_at").toInstant(),
					rs.getTimestamp("updated_at").toInstant());
		}

	}

	record Create(String name, String description, JsonNode templateJson, String icon, String color) {
	}

	record Update(String name, String description, JsonNode templateJson, String icon, String color) {
	}

	/** Built-in first, then the workspace's by creation. */
	@Transactional(readOnly = true)
	List<Template> list(Scope scope) {
		return this.jdbc.sql("""
				select * from workflow_template where workspace_id = :ws or workspace_id is null
				 order by is_builtin desc, created_at, id limit :limit
				""").param("ws", scope.workspaceId()).param("limit", MAX_LISTED).query(Template::read).list();
	}

	@Transactional(readOnly = true)
	Template get(Scope scope, String id) {
		return find(scope, id);
	}

	@Transactional
	Template create(Scope scope, Create request) {
		String name = name(request.name());
		String json = WorkflowStages.canonical(request.templateJson());
		String color = WorkflowStages.color(request.color());
		Timestamp now = Timestamp.from(Timestamps.now());
		String id = Cuid.next();
		try {
			this.jdbc.sql("""
					insert into workflow_template (id, workspace_id, name, description, template_json, icon, color,
					                               is_builtin, created_at, updated_at)
					values (:id, :ws, :name, :description, :json, :icon, :color, false, :now, :now)
					""")
				.param("id", id)
				.param("ws", scope.workspaceId())
				.param("name", name)
				.param("description", empty(request.description()))
				.param("json", json)
				.param("icon", empty(request.icon()))
				.param("color", empty(color))
				.param("now", now)
				.update();
		}
		catch (DuplicateKeyException ex) {
			throw taken(name);
		}
		changed(scope, "workflow_template.created", id);
		return find(scope, id);
	}

	/** Only the fields sent change; an empty description, icon or color clears it. */
	@Transactional
	Template update(Scope scope, String id, Update request) {
		if (request.name() == null && request.description() == null && request.templateJson() == null
				&& request.icon() == null && request.color() == null) {
			throw ProblemException.badRequest("No fields to update");
		}
		Template current = writable(scope, id);
		String name = (request.name() != null) ? name(request.name()) : current.name();
		String json = (request.templateJson() != null && !request.templateJson().isNull())
				? WorkflowStages.canonical(request.templateJson()) : current.templateJson();
		String color = (request.color() != null) ? empty(WorkflowStages.color(request.color())) : current.color();
		String description = (request.description() != null) ? empty(request.description()) : current.description();
		String icon = (request.icon() != null) ? empty(request.icon()) : current.icon();
		try {
			this.jdbc.sql("""
					update workflow_template set name = :name, description = :description, template_json = :json,
					       icon = :icon, color = :color, updated_at = :now
					 where id = :id and workspace_id = :ws
					""")
				.param("name", name)
				.param("description", description)
				.param("json", json)
				.param("icon", icon)
				.param("color", color)
				.param("now", Timestamp.from(Timestamps.now()))
				.param("id", id)
				.param("ws", scope.workspaceId())
				.update();
		}
		catch (DuplicateKeyException ex) {
			throw taken(name);
		}
		changed(scope, "workflow_template.updated", id);
		return find(scope, id);
	}

	/** A hard delete, as the page says. */
	@Transactional
	void delete(Scope scope, String id) {
		writable(scope, id);
		this.jdbc.sql("delete from workflow_template where id = :id and workspace_id = :ws")
			.param("id", id)
			.param("ws", scope.workspaceId())
			.update();
		changed(scope, "workflow_template.deleted", id);
	}

	private Template find(Scope scope, String id) {
		return this.jdbc
			.sql("select * from workflow_template where id = :id and (workspace_id = :ws or workspace_id is null)")
			.param("id", id)
			.param("ws", scope.workspaceId())
			.query(Template::read)
			.optional()
			.orElseThrow(() -> ProblemException.notFound("Template not found"));
	}

	/** Built-in templates are shared by every workspace: none may change them. */
	private Template writable(Scope scope, String id) {
		Template template = find(scope, id);
		if (template.isBuiltin()) {
			throw ProblemException.forbidden("Built-in templates are read-only; create your own from it instead");
		}
		return template;
	}

	private void changed(Scope scope, String type, String id) {
		this.changes.record(type, scope.workspaceId(), "workflow_template", id, scope.userId(), Map.of("id", id));
	}

	private static String name(String name) {
		if (name == null || name.isBlank()) {
			throw ProblemException.badRequest("name cannot be empty");
		}
		if (name.trim().length() > 200) {
			throw ProblemException.badRequest("name exceeds 200 characters");
		}
		return name.trim();
	}

	private static String empty(String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

	private static ProblemException taken(String name) {
		return ProblemException.conflict("A template named '" + name + "' already exists in this workspace");
	}

}
