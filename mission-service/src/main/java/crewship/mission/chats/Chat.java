package crewship.mission.chats;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** One chat's row. */
record Chat(String id, String workspaceId, String agentId, String crewId, String createdBy, String title, String origin,
		String status, int messageCount, String activeRunId, Instant startedAt, Instant endedAt, Instant lastActivityAt,
		Instant createdAt) {

	static Chat of(ResultSet rs) throws SQLException {
		return new Chat(rs.getString("id"), rs.getString("workspace_id"), rs.getString("agent_id"),
				rs.getString("crew_id"), rs.getString("created_by"), rs.getString("title"), rs.getString("origin"),
				rs.getString("status"), rs.getInt("message_count"), rs.getString("active_run_id"),
				instant(rs, "started_at"), instant(rs, "ended_at"), instant(rs, "last_activity_at"),
				instant(rs, "created_at"));
	}

	static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp value = rs.getTimestamp(column);
		return (value != null) ? value.toInstant() : null;
	}

}
