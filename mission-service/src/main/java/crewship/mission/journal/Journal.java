package crewship.mission.journal;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import crewship.mission.journal.ChainHash.Content;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The journal's one writer and its row reader. An append takes the workspace's chain head
 * with a row lock ({@code select … for update} on {@code journal_head}), so appends of
 * one workspace are serialised across every replica and the chain never forks; appends of
 * different workspaces do not wait for each other. An event id already journaled is
 * skipped, under the same lock, so a redelivery appends nothing.
 */
@Component
public class Journal {

	static final DateTimeFormatter WIRE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	static final String COLUMNS = """
			id, workspace_id, seq, event_id, ts, entry_type, severity, priority, actor_type, actor_id, crew_id,
			agent_id, mission_id, trace_id, summary, payload, refs, cost_usd, prev_hash, hash""";

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	Journal(JdbcTemplate jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** A stored entry with its place in the chain. */
	public record Stored(long seq, JournalEntry entry, Instant ts) {
	}

	/**
	 * Appends the entry in the caller's transaction (or its own).
	 * @return the entry, or empty when its event id is journaled already
	 */
	@Transactional
	public Optional<JournalEntry> append(NewEntry entry) {
		if (entry.workspaceId() == null || entry.eventId() == null) {
			throw new IllegalArgumentException("A journal entry needs a workspace and an event id");
		}
		this.jdbc.update("insert into journal_head (workspace_id, seq, hash) values (?, 0, ?) on conflict do nothing",
				entry.workspaceId(), ChainHash.GENESIS);
		Map<String, Object> head = this.jdbc
			.queryForMap("select seq, hash from journal_head where workspace_id = ? for update", entry.workspaceId());
		Integer known = this.jdbc.queryForObject("select count(*) from journal_entry where event_id = ?", Integer.class,
				entry.eventId());
		if (known != null && known > 0) {
			return Optional.empty();
		}
		long seq = ((Number) head.get("seq")).longValue() + 1;
		String previous = (String) head.get("hash");
		Instant ts = entry.ts().truncatedTo(ChronoUnit.MILLIS);
		String payload = (entry.payload() != null && entry.payload().isObject() && !entry.payload().isEmpty())
				? ChainHash.canonical(this.json, entry.payload()) : null;
		String refs = ChainHash.canonicalRefs(this.json, entry.refs());
		BigDecimal cost = (entry.costUsd() != null) ? ChainHash.cost(entry.costUsd()) : null;
		String id = "j_" + ChainHash.sha256Hex(entry.eventId()).substring(0, 16);
		String summary = NewEntry.bounded(entry.summary());
		Content content = new Content(id, entry.workspaceId(), seq, entry.eventId(), ts, entry.entryType(),
				entry.severity(), entry.actorType(), entry.actorId(), entry.crewId(), entry.agentId(),
				entry.missionId(), entry.traceId(), summary, payload, refs, cost);
		String hash = ChainHash.hash(this.json, previous, content);
		this.jdbc.update(
				"insert into journal_entry (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, 'normal', ?, ?, ?, "
						+ "?, ?, ?, ?, ?, ?, ?, ?, ?)",
				id, entry.workspaceId(), seq, entry.eventId(), Timestamp.from(ts), entry.entryType(), entry.severity(),
				entry.actorType(), entry.actorId(), entry.crewId(), entry.agentId(), entry.missionId(), entry.traceId(),
				summary, payload, refs, cost, previous, hash);
		this.jdbc.update("update journal_head set seq = ?, hash = ? where workspace_id = ?", seq, hash,
				entry.workspaceId());
		return Optional.of(new JournalEntry(id, entry.workspaceId(), entry.crewId(), entry.agentId(), entry.missionId(),
				WIRE_TIME.format(ts), entry.entryType(), entry.severity(), "normal", entry.actorType(), entry.actorId(),
				summary, (payload != null) ? entry.payload() : null, entry.refs(), entry.traceId()));
	}

	/** Appends every entry of one event in one transaction. */
	@Transactional
	public void appendAll(List<NewEntry> entries) {
		entries.forEach(this::append);
	}

	/** Maps a {@code select COLUMNS} row. */
	Stored row(ResultSet rs) throws SQLException {
		Instant ts = rs.getTimestamp("ts").toInstant();
		String payload = rs.getString("payload");
		String refs = rs.getString("refs");
		Map<String, String> refMap = null;
		if (refs != null) {
			refMap = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> field : this.json.readTree(refs).properties()) {
				refMap.put(field.getKey(), field.getValue().asString());
			}
		}
		return new Stored(rs.getLong("seq"),
				new JournalEntry(rs.getString("id"), rs.getString("workspace_id"), rs.getString("crew_id"),
						rs.getString("agent_id"), rs.getString("mission_id"), WIRE_TIME.format(ts),
						rs.getString("entry_type"), rs.getString("severity"), rs.getString("priority"),
						rs.getString("actor_type"), rs.getString("actor_id"), rs.getString("summary"),
						(payload != null) ? this.json.readTree(payload) : null, refMap, rs.getString("trace_id")),
				ts);
	}

	/** The stored, hashed content of a row, as the chain saw it. */
	static Content content(ResultSet rs) throws SQLException {
		return new Content(rs.getString("id"), rs.getString("workspace_id"), rs.getLong("seq"),
				rs.getString("event_id"), rs.getTimestamp("ts").toInstant(), rs.getString("entry_type"),
				rs.getString("severity"), rs.getString("actor_type"), rs.getString("actor_id"), rs.getString("crew_id"),
				rs.getString("agent_id"), rs.getString("mission_id"), rs.getString("trace_id"), rs.getString("summary"),
				rs.getString("payload"), rs.getString("refs"), rs.getBigDecimal("cost_usd"));
	}

	JsonMapper json() {
		return this.json;
	}

}
