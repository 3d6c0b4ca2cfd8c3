package crewship.issue.labels;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
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
 * Workspace labels: names unique per workspace whatever their case (409), attached to
 * issues by id. Create needs the {@code create} role, update and delete {@code manage}.
 */
@Service
public class Labels {

	static final int NAME_MAX = 100;

	static final int COLOR_MAX = 32;

	private final JdbcTemplate jdbc;

	private final NamedParameterJdbcTemplate named;

	private final Changes changes;

	Labels(JdbcTemplate jdbc, NamedParameterJdbcTemplate named, Changes changes) {
		this.jdbc = jdbc;
		this.named = named;
		this.changes = changes;
	}

	record CreateLabel(String name, String color, String labelGroup) {
	}

	@Transactional(readOnly = true)
	List<LabelView> list(Scope scope, PageParams page) {
		return this.jdbc.query(
				"select id, name, color, label_group from label where workspace_id = ? order by name, id limit ? offset ?",
				(rs, n) -> new LabelView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
				scope.workspaceId(), page.limit(), page.offset());
	}

	@Transactional
	LabelView create(Scope scope, CreateLabel request) {
		String name = required("name", request.name(), NAME_MAX);
		String color = required("color", request.color(), COLOR_MAX);
		String group = optional("label_group", request.labelGroup());
		requireFreeName(scope.workspaceId(), name, null);
		String id = Cuid.next();
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc.update(
				"insert into label (id, workspace_id, name, color, label_group, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)",
				id, scope.workspaceId(), name, color, group, now, now);
		this.changes.record("label.created", scope.workspaceId(), "label", id, scope.userId(),
				Map.of("id", id, "name", name));
		return new LabelView(id, name, color, group);
	}

	@Transactional
	LabelView update(Scope scope, String labelId, JsonNode body) {
		LabelView label = find(scope.workspaceId(), labelId)
			.orElseThrow(() -> ProblemException.notFound("Label not found"));
		boolean any = false;
		String name = label.name();
		String color = label.color();
		String group = label.labelGroup();
		if (Fields.present(body, "name")) {
			name = Fields.requiredText(body, "name", NAME_MAX);
			any = true;
		}
		if (Fields.present(body, "color")) {
			color = Fields.requiredText(body, "color", COLOR_MAX);
			any = true;
		}
		if (Fields.present(body, "label_group")) {
			group = Fields.trimmedOrNull(Fields.text(body, "label_group", NAME_MAX, true));
			any = true;
		}
		if (!any) {
			throw ProblemException.badRequest("No fields to update: send name, color or label_group");
		}
		requireFreeName(scope.workspaceId(), name, labelId);
		this.jdbc.update("update label set name = ?, color = ?, label_group = ?, updated_at = ? where id = ?", name,
				color, group, Timestamp.from(Timestamps.now()), labelId);
		this.changes.record("label.updated", scope.workspaceId(), "label", labelId, scope.userId(),
				Map.of("id", labelId, "name", name));
		return new LabelView(labelId, name, color, group);
	}

	/** Deletes the label and detaches it from every issue. */
	@Transactional
	void delete(Scope scope, String labelId) {
		scope.demand(Action.MANAGE);
		if (this.jdbc.update("delete from label where id = ? and workspace_id = ?", labelId,
				scope.workspaceId()) == 0) {
			throw ProblemException.notFound("Label not found");
		}
		this.jdbc.update("""
				update issue set label_ids = array_remove(label_ids, cast(? as varchar(32)))
				 where workspace_id = ? and label_ids @> array[cast(? as varchar(32))]
				""", labelId, scope.workspaceId(), labelId);
		this.changes.record("label.deleted", scope.workspaceId(), "label", labelId, scope.userId(),
				Map.of("id", labelId));
	}

	/**
	 * The distinct label ids, each checked to be a label of the workspace.
	 * @throws ProblemException 400 naming the first unknown one
	 */
	public Set<String> requireAll(String workspaceId, Collection<String> ids) {
		Set<String> wanted = new LinkedHashSet<>(ids);
		if (wanted.isEmpty()) {
			return wanted;
		}
		List<String> found = this.named.queryForList("select id from label where workspace_id = :ws and id in (:ids)",
				new MapSqlParameterSource("ws", workspaceId).addValue("ids", wanted), String.class);
		for (String id : wanted) {
			if (!found.contains(id)) {
				throw ProblemException.badRequest("labels: " + id + " is no label of this workspace");
			}
		}
		return wanted;
	}

	Optional<LabelView> find(String workspaceId, String labelId) {
		return this.jdbc
			.query("select id, name, color, label_group from label where id = ? and workspace_id = ?",
					(rs, n) -> new LabelView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
					labelId, workspaceId)
			.stream()
			.findFirst();
	}

	private void requireFreeName(String workspaceId, String name, String exceptId) {
		Integer taken = this.jdbc.queryForObject(
				"select count(*) from label where workspace_id = ? and lower(name) = lower(?) and id <> coalesce(?, '')",
				Integer.class, workspaceId, name, exceptId);
		if (taken != null && taken > 0) {
			throw ProblemException.conflict("A label named '" + name + "' already exists in this workspace");
		}
	}

	private static String required(String field, String value, int max) {
		if (value == null || value.isBlank()) {
			throw ProblemException.badRequest(field + " is required");
		}
		if (value.trim().length() > max) {
			throw ProblemException.badRequest(field + " is at most " + max + " characters");
		}
		return value.trim();
	}

	private static String optional(String field, String value) {
		if (value != null && value.trim().length() > NAME_MAX) {
			throw ProblemException.badRequest(field + " is at most " + NAME_MAX + " characters");
		}
		return Fields.trimmedOrNull(value);
	}

}
