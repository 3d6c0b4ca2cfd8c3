package crewship.mission.journal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * The journal's reads: newest first by {@code (ts, id)}, a page bounded to 500, the
 * cursor the last entry's {@code ts|id}; always within one workspace.
 */
@Component
public class JournalReader {

	public static final int MAX_LIMIT = 500;

	private final JdbcTemplate jdbc;

	private final Journal journal;

	JournalReader(JdbcTemplate jdbc, Journal journal) {
		this.jdbc = jdbc;
		this.journal = journal;
	}

	/** A page and the cursor of the next one (null on the last page). */
	public record Page(List<JournalEntry> entries, String nextCursor) {
	}

	public Page list(String workspaceId, JournalFilter filter, String cursor, int limit) {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw ProblemException.badRequest("limit must be between 1 and " + MAX_LIMIT);
		}
		StringBuilder sql = new StringBuilder(
				"select " + Journal.COLUMNS + " from journal_entry where workspace_id = ?");
		List<Object> args = new ArrayList<>(List.of(workspaceId));
		filter.where(sql, args);
		if (cursor != null && !cursor.isBlank()) {
			cursor = decodeCursor(cursor.trim());
			int bar = cursor.lastIndexOf('|');
			if (bar < 1) {
				throw ProblemException.badRequest("cursor is not one this server issued");
			}
			Instant ts;
			try {
				ts = Instant.parse(cursor.substring(0, bar));
			}
			catch (RuntimeException ex) {
				throw ProblemException.badRequest("cursor is not one this server issued");
			}
			sql.append(" and (ts, id) < (?, ?)");
			args.add(Timestamp.from(ts));
			args.add(cursor.substring(bar + 1));
		}
		sql.append(" order by ts desc, id desc limit ?");
		args.add(limit + 1);
		List<JournalEntry> rows = this.jdbc.query(sql.toString(), (rs, n) -> this.journal.row(rs).entry(),
				args.toArray());
		if (rows.size() <= limit) {
			return new Page(rows, null);
		}
		List<JournalEntry> page = rows.subList(0, limit);
		JournalEntry last = page.get(limit - 1);
		return new Page(List.copyOf(page), encodeCursor(last.ts() + "|" + last.id()));
	}

	/**
	 * The cursor is the reference's {@code ts|id}, base64url-encoded so that it travels
	 * in a query string unescaped; the raw form is accepted too.
	 */
	static String encodeCursor(String raw) {
		return java.util.Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

	private static String decodeCursor(String cursor) {
		if (cursor.indexOf('|') > 0) {
			return cursor;
		}
		try {
			return new String(java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw ProblemException.badRequest("cursor is not one this server issued");
		}
	}

	/**
	 * The activity feed's rows: entries that concern a crew (or the one crew), newest
	 * first.
	 */
	public List<JournalEntry> crewActivity(String workspaceId, String crewId, int limit) {
		String sql = "select " + Journal.COLUMNS + " from journal_entry where workspace_id = ? and "
				+ ((crewId != null) ? "crew_id = ?" : "crew_id is not null") + " order by ts desc, id desc limit ?";
		Object[] args = (crewId != null) ? new Object[] { workspaceId, crewId, limit }
				: new Object[] { workspaceId, limit };
		return this.jdbc.query(sql, (rs, n) -> this.journal.row(rs).entry(), args);
	}

	public long count(String workspaceId, JournalFilter filter) {
		StringBuilder sql = new StringBuilder("select count(*) from journal_entry where workspace_id = ?");
		List<Object> args = new ArrayList<>(List.of(workspaceId));
		filter.where(sql, args);
		Long total = this.jdbc.queryForObject(sql.toString(), Long.class, args.toArray());
		return (total != null) ? total : 0;
	}

	public Optional<JournalEntry> get(String workspaceId, String id) {
		return this.jdbc
			.query("select " + Journal.COLUMNS + " from journal_entry where workspace_id = ? and id = ?",
					(rs, n) -> this.journal.row(rs).entry(), workspaceId, id)
			.stream()
			.findFirst();
	}

	/** The seq of an entry of the workspace (a stream's {@code Last-Event-ID}). */
	Optional<Long> seqOf(String workspaceId, String id) {
		return this.jdbc
			.queryForList("select seq from journal_entry where workspace_id = ? and id = ?", Long.class, workspaceId,
					id)
			.stream()
			.findFirst();
	}

	/** The workspace's last seq (0 before its first entry). */
	long headSeq(String workspaceId) {
		Long seq = this.jdbc.queryForObject("select coalesce((select seq from journal_head where workspace_id = ?), 0)",
				Long.class, workspaceId);
		return (seq != null) ? seq : 0;
	}

	/**
	 * Entries after a seq, oldest first, at most {@code limit}; with {@code newestEnd}
	 * the newest {@code limit} of them (a long gap drops its older end).
	 */
	List<Journal.Stored> after(String workspaceId, long afterSeq, long upToSeq, JournalFilter filter, int limit,
			boolean newestEnd) {
		StringBuilder sql = new StringBuilder(
				"select " + Journal.COLUMNS + " from journal_entry where workspace_id = ? and seq > ? and seq <= ?");
		List<Object> args = new ArrayList<>(List.of(workspaceId, afterSeq, upToSeq));
		filter.where(sql, args);
		sql.append(newestEnd ? " order by seq desc limit ?" : " order by seq limit ?");
		args.add(limit);
		List<Journal.Stored> rows = new ArrayList<>(
				this.jdbc.query(sql.toString(), (rs, n) -> this.journal.row(rs), args.toArray()));
		if (newestEnd) {
			java.util.Collections.reverse(rows);
		}
		return rows;
	}

	/** Every workspace's entries after its watermark, for the streams' poll. */
	List<Journal.Stored> after(String workspaceId, long afterSeq, int limit) {
		return this.jdbc.query(
				"select " + Journal.COLUMNS
						+ " from journal_entry where workspace_id = ? and seq > ? order by seq limit ?",
				(rs, n) -> this.journal.row(rs), workspaceId, afterSeq, limit);
	}

	/**
	 * Sets the one mutable column and journals the change
	 * ({@code memory.priority_changed}) in the same transaction.
	 */
	@Transactional
	public Map<String, Object> prioritise(String workspaceId, String id, String priority, String reason, String actor) {
		List<String> previous = this.jdbc.queryForList(
				"select priority from journal_entry where workspace_id = ? and id = ? for update", String.class,
				workspaceId, id);
		if (previous.isEmpty()) {
			throw ProblemException.notFound("Journal entry not found");
		}
		this.jdbc.update("update journal_entry set priority = ? where workspace_id = ? and id = ?", priority,
				workspaceId, id);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("ok", true);
		answer.put("id", id);
		answer.put("priority", priority);
		answer.put("previous", previous.get(0));
		answer.put("reason", reason);
		JournalEntry target = get(workspaceId, id).orElseThrow();
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("target_entry_id", id);
		payload.put("previous_priority", previous.get(0));
		payload.put("new_priority", priority);
		payload.put("reason", reason);
		this.journal.append(new NewEntry("priority:" + Cuid.next(), workspaceId, Timestamps.now(),
				"memory.priority_changed", "notice", "user", actor, target.crewId(), target.agentId(),
				target.missionId(), null, "priority of " + id + " set to " + priority,
				this.journal.json().valueToTree(payload), Map.of("parent_entry_id", id), null));
		return answer;
	}

}
