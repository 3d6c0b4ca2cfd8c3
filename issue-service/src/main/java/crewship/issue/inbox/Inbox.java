package crewship.issue.inbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.issue.workspace.Changes;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The inbox: items written by the feeds ({@link InboxFeeds}, {@link Mentions}) and read,
 * flipped and purged by people. Every read applies one visibility rule — the workspace,
 * and an item for everyone, for the caller, or for a role the caller holds or outranks —
 * so an id the caller cannot see answers 404 everywhere and counts as {@code not_found}
 * in a bulk call.
 * <p>
 * State is per person ({@code inbox_state}; none is unread), except that a source-managed
 * item (a waitpoint, an escalation) is resolved by its source's event, and that
 * resolution holds for everyone. Changes announce themselves as {@code inbox.updated} on
 * the workspace channel.
 */
@Service
public class Inbox {

	public static final String WAITPOINT = "waitpoint";

	public static final String ESCALATION = "escalation";

	public static final String MESSAGE = "message";

	static final String UPDATED = "inbox.updated";

	/** Mirrors of a source row: the inbox may only mark them read. */
	static final Set<String> SOURCE_MANAGED = Set.of(WAITPOINT, ESCALATION);

	static final List<String> PURGEABLE_KINDS = List.of(WAITPOINT, ESCALATION, "failed_run", MESSAGE);

	static final List<String> STATES = List.of("unread", "read", "resolved");

	static final int LIST_DEFAULT = 100;

	static final int LIST_MAX = 500;

	static final int BULK_MAX = 500;

	private static final String EFFECTIVE_STATE = "(case when i.resolved_at is not null then 'resolved' else coalesce(s.state, 'unread') end)";

	private static final String COLUMNS = """
			i.id, i.workspace_id, i.kind, i.source_id, i.target_user_id, i.target_role, i.title, i.body_md,
			i.sender_type, i.sender_id, coalesce(m.name, a.name, i.sender_name), i.priority, i.blocking,
			cast(i.payload as text), %1$s, s.read_at, coalesce(i.resolved_at, s.resolved_at),
			case when i.resolved_at is not null then i.resolved_by_user_id when s.state = 'resolved' then s.user_id end,
			coalesce(i.resolved_action, case when s.state = 'resolved' then s.resolved_action end),
			i.created_at, greatest(i.updated_at, s.updated_at)
			""".formatted(EFFECTIVE_STATE);

	private static final String FROM = """
			from inbox_item i
			left join inbox_state s on s.item_id = i.id and s.user_id = ?
			left join member_directory m on i.sender_type = 'user' and m.workspace_id = i.workspace_id and m.user_id = i.sender_id
			left join agent_directory a on i.sender_type = 'agent' and a.agent_id = i.sender_id
			""";

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final DomainEvents events;

	private final Changes changes;

	Inbox(JdbcTemplate jdbc, JsonMapper json, DomainEvents events, Changes changes) {
		this.jdbc = jdbc;
		this.json = json;
		this.events = events;
		this.changes = changes;
	}

	/** An item as the page shapes it; absent fields are left out, never null. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record ItemView(String id, String workspaceId, String kind, String sourceId, String targetUserId,
			String targetRole, String title, String bodyMd, String senderType, String senderId, String senderName,
			String state, String priority, boolean blocking, JsonNode payload, Instant readAt, Instant resolvedAt,
			String resolvedByUserId, String resolvedAction, Instant createdAt, Instant updatedAt) {
	}

	record ListView(List<ItemView> rows, int count, int unreadCount) {
	}

	record UnreadCount(int unreadCount) {
	}

	record StateView(String id, String state) {
	}

	record BulkResult(int updated, int skipped, List<String> skippedIds, int notFound, String state) {
	}

	record Purged(int deleted) {
	}

	/**
	 * What a feed puts in the inbox. {@code id} is the source's when it already promised
	 * one (a hire's answer names its item), else null for a new one.
	 */
	public record NewItem(String id, String workspaceId, String kind, String sourceId, String targetUserId,
			String targetRole, String title, String bodyMd, String senderType, String senderId, String senderName,
			String priority, boolean blocking, Map<String, Object> payload) {
	}

	// --- written by the feeds, in their transaction

	/**
	 * Adds the item unless its source already has one for that recipient (a redelivered
	 * or replayed event). @return whether it was added
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public boolean add(NewItem item) {
		String id = (item.id() != null && Cuid.isValid(item.id())) ? item.id() : Cuid.next();
		Timestamp now = Timestamp.from(Timestamps.now());
		int added = this.jdbc.update("""
				insert into inbox_item (id, workspace_id, kind, source_id, target_user_id, target_role, title, body_md,
				       sender_type, sender_id, sender_name, priority, blocking, payload, created_at, updated_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?)
				on conflict do nothing
				""", id, item.workspaceId(), item.kind(), item.sourceId(), item.targetUserId(), item.targetRole(),
				clip(item.title(), 300), item.bodyMd(), item.senderType(), item.senderId(),
				clip(item.senderName(), 200), item.priority(), item.blocking(),
				(item.payload() != null) ? this.json.writeValueAsString(item.payload()) : null, now, now);
		if (added == 1) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("id", id);
			data.put("kind", item.kind());
			data.put("state", "unread");
			this.events.publish(UPDATED, item.workspaceId(), id, null, data);
		}
		return added == 1;
	}

	/**
	 * Resolves a source's open items for everyone: its own event said what happened (an
	 * approved hire, a settled Keeper request, a resolved escalation). @return how many
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public int resolveSource(String workspaceId, String kind, String sourceId, String action, String byUserId) {
		Timestamp now = Timestamp.from(Timestamps.now());
		List<String> resolved = this.jdbc.queryForList("""
				update inbox_item set resolved_at = ?, resolved_by_user_id = ?, resolved_action = ?, updated_at = ?
				 where workspace_id = ? and kind = ? and source_id = ? and resolved_at is null
				returning id
				""", String.class, now, byUserId, action, now, workspaceId, kind, sourceId);
		for (String id : resolved) {
			this.events.publish(UPDATED, workspaceId, id, byUserId, Map.of("id", id, "state", "resolved"));
		}
		return resolved.size();
	}

	// --- read by people

	@Transactional(readOnly = true)
	ListView list(Scope scope, String state, String kind, String limitParam) {
		String filter = stateFilter(state);
		int limit = limit(limitParam);
		List<Object> args = new ArrayList<>(List.of(scope.userId(), scope.workspaceId(), scope.userId()));
		StringBuilder sql = new StringBuilder("select ").append(COLUMNS)
			.append(FROM)
			.append(" where i.workspace_id = ? and ")
			.append(visible(scope.role()));
		if (kind != null && !kind.isBlank()) {
			sql.append(" and i.kind = ?");
			args.add(kind.trim());
		}
		sql.append(filter).append(" order by i.created_at desc, i.id desc limit ?");
		args.add(limit);
		List<ItemView> rows = this.jdbc.query(sql.toString(), this::item, args.toArray());
		return new ListView(rows, rows.size(), unread(scope));
	}

	@Transactional(readOnly = true)
	UnreadCount count(Scope scope) {
		return new UnreadCount(unread(scope));
	}

	@Transactional(readOnly = true)
	ItemView get(Scope scope, String id) {
		return find(scope, id);
	}

	private int unread(Scope scope) {
		Integer count = this.jdbc.queryForObject(
				"select count(*) from inbox_item i"
						+ " left join inbox_state s on s.item_id = i.id and s.user_id = ? where i.workspace_id = ? and "
						+ visible(scope.role()) + " and " + EFFECTIVE_STATE + " = 'unread'",
				Integer.class, scope.userId(), scope.workspaceId(), scope.userId());
		return (count != null) ? count : 0;
	}

	private ItemView find(Scope scope, String id) {
		return this.jdbc
			.query("select " + COLUMNS + FROM + " where i.id = ? and i.workspace_id = ? and " + visible(scope.role()),
					this::item, scope.userId(), id, scope.workspaceId(), scope.userId())
			.stream()
			.findFirst()
			.orElseThrow(() -> ProblemException.notFound("No inbox item " + id));
	}

	// --- changed by people

	@Transactional
	StateView patch(Scope scope, String id, String state, String resolvedAction) {
		String target = requireState(state);
		ItemView item = find(scope, id);
		if (SOURCE_MANAGED.contains(item.kind()) && !target.equals("read")) {
			ProblemException problem = new ProblemException(HttpStatus.CONFLICT,
					"use the source endpoint for this kind (" + hint(item) + ") — inbox PATCH only supports 'read' "
							+ "for source-managed items");
			problem.getBody().setProperty("kind", item.kind());
			throw problem;
		}
		apply(scope, item.id(), target, action(resolvedAction));
		String now = effectiveState(scope, item.id());
		Map<String, Object> data = Map.of("id", item.id(), "state", now);
		if (target.equals("resolved")) {
			Map<String, Object> audited = new LinkedHashMap<>(data);
			if (resolvedAction != null) {
				audited.put("resolved_action", action(resolvedAction));
			}
			this.changes.record(UPDATED, scope.workspaceId(), "inbox_item", item.id(), scope.userId(), audited);
		}
		else {
			this.events.publish(UPDATED, scope.workspaceId(), item.id(), scope.userId(), data);
		}
		return new StateView(item.id(), now);
	}

	/**
	 * One transition over many ids: each id the caller cannot see is {@code not_found},
	 * each the transition may not touch (source-managed, or blocking on resolve) is
	 * skipped; the rest change, with one event for the batch.
	 */
	@Transactional
	BulkResult bulk(Scope scope, List<String> ids, String state, String resolvedAction) {
		if (ids == null || ids.stream().allMatch(id -> id == null || id.isBlank())) {
			throw ProblemException.badRequest("ids required");
		}
		String target = requireState(state);
		Set<String> unique = ids.stream()
			.filter(id -> id != null && !id.isBlank())
			.collect(Collectors.toCollection(LinkedHashSet::new));
		if (unique.size() > BULK_MAX) {
			throw ProblemException.badRequest("too many ids (max " + BULK_MAX + ")");
		}
		Map<String, boolean[]> visible = new LinkedHashMap<>();
		Map<String, String> kinds = new LinkedHashMap<>();
		this.jdbc
			.query("select i.id, i.kind, i.blocking from inbox_item i where i.workspace_id = ? and i.id = any(?) and "
					+ visible(scope.role()), rs -> {
						kinds.put(rs.getString(1), rs.getString(2));
						visible.put(rs.getString(1), new boolean[] { rs.getBoolean(3) });
					}, scope.workspaceId(), unique.toArray(String[]::new), scope.userId());
		int updated = 0;
		List<String> skipped = new ArrayList<>();
		String action = action(resolvedAction);
		for (String id : unique) {
			String kind = kinds.get(id);
			if (kind == null) {
				continue;
			}
			boolean sourceManaged = SOURCE_MANAGED.contains(kind);
			boolean refused = switch (target) {
				case "resolved" -> sourceManaged || visible.get(id)[0];
				case "unread" -> sourceManaged;
				default -> false;
			};
			if (refused) {
				skipped.add(id);
				continue;
			}
			apply(scope, id, target, action);
			updated++;
		}
		int notFound = unique.size() - kinds.size();
		if (updated > 0) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("bulk", "true");
			data.put("state", target);
			data.put("updated", updated);
			this.changes.record(UPDATED, scope.workspaceId(), "inbox_item", scope.workspaceId(), scope.userId(), data);
		}
		return new BulkResult(updated, skipped.size(), skipped, notFound, target);
	}

	/**
	 * The whole workspace's items (or one kind's), whoever they were addressed to: an
	 * OWNER's or ADMIN's cleanup.
	 */
	@Transactional
	Purged purge(Scope scope, String kind) {
		scope.demand(Action.MANAGE);
		String only = (kind != null && !kind.isBlank()) ? kind.trim() : null;
		if (only != null && !PURGEABLE_KINDS.contains(only)) {
			throw ProblemException.badRequest("kind must be one of " + PURGEABLE_KINDS);
		}
		int deleted = this.jdbc.update(
				"delete from inbox_item where workspace_id = ? and (cast(? as text) is null or kind = ?)",
				scope.workspaceId(), only, only);
		if (deleted > 0) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("purge", "true");
			if (only != null) {
				data.put("kind", only);
			}
			data.put("deleted", deleted);
			this.changes.record(UPDATED, scope.workspaceId(), "inbox_item", scope.workspaceId(), scope.userId(), data);
		}
		return new Purged(deleted);
	}

	/** The caller's own state of one item. */
	private void apply(Scope scope, String itemId, String target, String action) {
		Timestamp now = Timestamp.from(Timestamps.now());
		switch (target) {
			case "unread" ->
				this.jdbc.update("delete from inbox_state where item_id = ? and user_id = ?", itemId, scope.userId());
			case "read" -> this.jdbc.update("""
					insert into inbox_state (item_id, user_id, state, read_at, updated_at) values (?, ?, 'read', ?, ?)
					on conflict (item_id, user_id) do update
					   set state = 'read', read_at = coalesce(inbox_state.read_at, excluded.read_at),
					       resolved_at = null, resolved_action = null, updated_at = excluded.updated_at
					""", itemId, scope.userId(), now, now);
			default -> this.jdbc.update("""
					insert into inbox_state (item_id, user_id, state, read_at, resolved_at, resolved_action, updated_at)
					values (?, ?, 'resolved', ?, ?, ?, ?)
					on conflict (item_id, user_id) do update
					   set state = 'resolved', read_at = coalesce(inbox_state.read_at, excluded.read_at),
					       resolved_at = excluded.resolved_at, resolved_action = excluded.resolved_action,
					       updated_at = excluded.updated_at
					""", itemId, scope.userId(), now, now, action, now);
		}
	}

	private String effectiveState(Scope scope, String itemId) {
		return this.jdbc.queryForObject("select " + EFFECTIVE_STATE
				+ " from inbox_item i left join inbox_state s on s.item_id = i.id and s.user_id = ? where i.id = ?",
				String.class, scope.userId(), itemId);
	}

	/**
	 * Addressed to everyone, to the caller, or to a role at or below the caller's (an
	 * OWNER sees what is addressed to MANAGERs). Takes one parameter: the caller's id.
	 */
	static String visible(WorkspaceRole role) {
		String roles = Arrays.stream(WorkspaceRole.values())
			.filter(candidate -> candidate.ordinal() >= role.ordinal())
			.map(candidate -> "'" + candidate.name() + "'")
			.collect(Collectors.joining(", "));
		return "((i.target_user_id is null and i.target_role is null) or i.target_user_id = ? or i.target_role in ("
				+ roles + "))";
	}

	private static String stateFilter(String state) {
		String value = (state != null) ? state.trim().toLowerCase(Locale.ROOT) : "";
		return switch (value) {
			case "", "all" -> "";
			case "active" -> " and " + EFFECTIVE_STATE + " <> 'resolved'";
			case "unread", "read", "resolved" -> " and " + EFFECTIVE_STATE + " = '" + value + "'";
			default -> throw ProblemException.badRequest("invalid state: unread, read, resolved, active or all");
		};
	}

	private static int limit(String value) {
		if (value == null || value.isBlank()) {
			return LIST_DEFAULT;
		}
		try {
			int limit = Integer.parseInt(value.trim());
			if (limit < 1) {
				throw ProblemException.badRequest("limit must be at least 1");
			}
			return Math.min(limit, LIST_MAX);
		}
		catch (NumberFormatException ex) {
			throw ProblemException.badRequest("limit must be an integer");
		}
	}

	private static String requireState(String state) {
		if (state == null || !STATES.contains(state)) {
			throw ProblemException.badRequest("state must be unread|read|resolved");
		}
		return state;
	}

	private static String action(String resolvedAction) {
		if (resolvedAction == null || resolvedAction.isBlank()) {
			return null;
		}
		String action = resolvedAction.trim();
		if (action.length() > 32) {
			throw ProblemException.badRequest("resolved_action is at most 32 characters");
		}
		return action;
	}

	private static String hint(ItemView item) {
		JsonNode endpoint = (item.payload() != null) ? item.payload().get("resolve_endpoint") : null;
		return (endpoint != null && endpoint.isString()) ? "e.g. " + endpoint.asString()
				: "e.g. /pipelines/waitpoints/{token}/approve";
	}

	private static String clip(String text, int max) {
		return (text == null || text.length() <= max) ? text : text.substring(0, max - 1) + "…";
	}

	private ItemView item(ResultSet rs, int row) throws SQLException {
		String payload = rs.getString(14);
		return new ItemView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
				rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
				rs.getString(15), rs.getString(12), rs.getBoolean(13),
				(payload != null) ? this.json.readTree(payload) : null, instant(rs, 16), instant(rs, 17),
				rs.getString(18), rs.getString(19), instant(rs, 20), instant(rs, 21));
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		Timestamp value = rs.getTimestamp(column);
		return (value != null) ? value.toInstant() : null;
	}

}
