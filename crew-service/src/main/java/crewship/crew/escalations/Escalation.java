package crewship.crew.escalations;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An escalation as the crew's list shows it. The second-approver fields of the page are
 * computed from the agent's owner and a credential's tier, which crew-service does not
 * hold: they are omitted, which the inbox page defines as "the server said nothing".
 */
record Escalation(String id, String workspaceId, String crewId, String agentId, String type, String fromSlug,
		String fromName, String reason, String context, String metadata, String peerConversationId, String credentialId,
		String status, String action, String resolution, String redirectTo, String resolvedBy, Instant resolvedAt,
		Instant deadlineAt, Instant answerDeadlineAt, Instant agentGaveUpAt,
		@JsonInclude(JsonInclude.Include.NON_NULL) String cancelReason, Instant createdAt) {

	static final String PENDING = "PENDING";

	static final String RESOLVED = "RESOLVED";

	static final String EXPIRED = "EXPIRED";

	static final String CANCELLED = "CANCELLED";

	static final Set<String> STATUSES = Set.of(PENDING, RESOLVED, EXPIRED, CANCELLED);

	static final Set<String> ACTIONS = Set.of("approve", "reject", "redirect");

	static Escalation read(ResultSet rs, int row) throws SQLException {
		Instant deadline = instant(rs.getTimestamp("deadline_at"));
		return new Escalation(rs.getString("id"), rs.getString("workspace_id"), rs.getString("crew_id"),
				rs.getString("agent_id"), rs.getString("type"), rs.getString("from_slug"), rs.getString("from_name"),
				rs.getString("reason"), rs.getString("context"), rs.getString("metadata"),
				rs.getString("peer_conversation_id"), rs.getString("credential_id"), rs.getString("status"),
				rs.getString("action"), rs.getString("resolution"), rs.getString("redirect_to"),
				rs.getString("resolved_by"), instant(rs.getTimestamp("resolved_at")), deadline, deadline,
				instant(rs.getTimestamp("agent_gave_up_at")), rs.getString("cancel_reason"),
				rs.getTimestamp("created_at").toInstant());
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	boolean isPending() {
		return PENDING.equals(this.status);
	}

}
