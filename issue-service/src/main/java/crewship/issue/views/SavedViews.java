package crewship.issue.views;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.issue.workspace.Changes;
import crewship.issue.workspace.Fields;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * A user's saved issue views, optionally shared with the workspace. The filter and sort
 * blobs are the web UI's and stored as given (bounded). Only the owner changes or deletes
 * a view: a shared view of someone else is 403, a private one is 404 (it is not visible).
 */
@Service
public class SavedViews {

	static final int BLOB_MAX = 64 * 1024;

	private final NamedParameterJdbcTemplate jdbc;

	private final Changes changes;

	SavedViews(NamedParameterJdbcTemplate jdbc, Changes changes) {
		this.jdbc = jdbc;
		this.changes = changes;
	}

	/** The saved view shape of the page. */
	record SavedView(String id, String name, String filtersJson, String sortJson, String viewType, boolean isDefault,
			boolean shared, Instant createdAt) {
	}

	record CreateView(String name, String filtersJson, String sortJson, String viewType, Boolean shared) {
	}

	private record Row(SavedView view, String userId) {
	}

	@Transactional(readOnly = true)
	List<SavedView> list(Scope scope, PageParams page) {
		return this.jdbc.query("""
				select * from saved_view where workspace_id = :ws and (user_id = :user or shared)
				 order by is_default desc, name, id limit :limit offset :offset
				""",
				new MapSqlParameterSource("ws", scope.workspaceId()).addValue("user", scope.userId())
					.addValue("limit", page.limit())
					.addValue("offset", page.offset()),
				(rs, n) -> view(rs));
	}

	@Transactional
	SavedView create(Scope scope, CreateView request) {
		if (request.name() == null || request.name().isBlank()) {
			throw ProblemException.badRequest("name is required");
		}
		if (request.filtersJson() == null || request.filtersJson().isBlank()) {
			throw ProblemException.badRequest("filters_json is required");
		}
		String id = Cuid.next();
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc.update("""
				insert into saved_view (id, workspace_id, user_id, name, filters_json, sort_json, view_type, is_default,
				    shared, created_at, updated_at)
				values (:id, :ws, :user, :name, :filters, :sort, :type, false, :shared, :now, :now)
				""",
				new MapSqlParameterSource("id", id).addValue("ws", scope.workspaceId())
					.addValue("user", scope.userId())
					.addValue("name", capped("name", request.name().trim(), 200))
					.addValue("filters", capped("filters_json", request.filtersJson(), BLOB_MAX))
					.addValue("sort", capped("sort_json", request.sortJson(), BLOB_MAX))
					.addValue("type",
							(request.viewType() == null || request.viewType().isBlank()) ? "list"
									: capped("view_type", request.viewType().trim(), 32))
					.addValue("shared", Boolean.TRUE.equals(request.shared()))
					.addValue("now", now));
		this.changes.record("saved_view.created", scope.workspaceId(), "saved_view", id, scope.userId(),
				Map.of("id", id));
		return owned(scope, id).view();
	}

	@Transactional
	SavedView update(Scope scope, String viewId, JsonNode body) {
		owned(scope, viewId);
		Map<String, Object> set = new LinkedHashMap<>();
		if (Fields.present(body, "name")) {
			set.put("name", Fields.requiredText(body, "name", 200));
		}
		if (Fields.present(body, "filters_json")) {
			set.put("filters_json", Fields.requiredText(body, "filters_json", BLOB_MAX));
		}
		// the page: a JSON null for sort_json is an omitted field, it does not clear
		if (body != null && body.hasNonNull("sort_json")) {
			set.put("sort_json", Fields.text(body, "sort_json", BLOB_MAX, false));
		}
		if (Fields.present(body, "view_type")) {
			set.put("view_type", Fields.requiredText(body, "view_type", 32));
		}
		if (body != null && body.hasNonNull("is_default")) {
			set.put("is_default", Fields.bool(body, "is_default"));
		}
		if (body != null && body.hasNonNull("shared")) {
			set.put("shared", Fields.bool(body, "shared"));
		}
		if (set.isEmpty()) {
			throw ProblemException.badRequest("No fields to update");
		}
		MapSqlParameterSource params = new MapSqlParameterSource("id", viewId).addValue("now",
				Timestamp.from(Timestamps.now()));
		List<String> assignments = new ArrayList<>();
		set.forEach((column, value) -> {
			assignments.add(column + " = :" + column);
			params.addValue(column, value);
		});
		this.jdbc.update(
				"update saved_view set " + String.join(", ", assignments) + ", updated_at = :now where id = :id",
				params);
		this.changes.record("saved_view.updated", scope.workspaceId(), "saved_view", viewId, scope.userId(),
				Map.of("id", viewId));
		return owned(scope, viewId).view();
	}

	@Transactional
	void delete(Scope scope, String viewId) {
		owned(scope, viewId);
		this.jdbc.update("delete from saved_view where id = :id", new MapSqlParameterSource("id", viewId));
		this.changes.record("saved_view.deleted", scope.workspaceId(), "saved_view", viewId, scope.userId(),
				Map.of("id", viewId));
	}

	/**
	 * @throws ProblemException 404 when the caller cannot see it, 403 when it is someone
	 * else's shared view
	 */
	private Row owned(Scope scope, String viewId) {
		Row row = this.jdbc
			.query("select * from saved_view where id = :id and workspace_id = :ws",
					new MapSqlParameterSource("id", viewId).addValue("ws", scope.workspaceId()),
					(rs, n) -> new Row(view(rs), rs.getString("user_id")))
			.stream()
			.findFirst()
			.orElseThrow(() -> ProblemException.notFound("Saved view not found"));
		if (!row.userId().equals(scope.userId())) {
			if (!row.view().shared()) {
				throw ProblemException.notFound("Saved view not found");
			}
			throw ProblemException.forbidden("Only the view owner can update or delete it");
		}
		return row;
	}

	private static SavedView view(ResultSet rs) throws SQLException {
		return new SavedView(rs.getString("id"), rs.getString("name"), rs.getString("filters_json"),
				rs.getString("sort_json"), rs.getString("view_type"), rs.getBoolean("is_default"),
				rs.getBoolean("shared"), rs.getTimestamp("created_at").toInstant());
	}

	private static String capped(String field, String value, int max) {
		if (value != null && value.length() > max) {
			throw ProblemException.badRequest(field + " is at most " + max + " characters");
		}
		return value;
	}

}
