package crewship.mission.chats;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.mission.chats.ChatAccess.Caller;
import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.web.ProblemException;

/**
 * The humans added to a chat; the first one makes it a group chat. Only the chat's
 * creator or a workspace OWNER/ADMIN changes them; a participant must be a member of the
 * workspace; the creator cannot be removed. At most {@value #MAX} per chat.
 */
@Service
class ChatParticipants {

	static final int MAX = 50;

	private final JdbcTemplate jdbc;

	private final MembershipReplica memberships;

	private final DomainEvents events;

	ChatParticipants(JdbcTemplate jdbc, MembershipReplica memberships, DomainEvents events) {
		this.jdbc = jdbc;
		this.memberships = memberships;
		this.events = events;
	}

	/** A participant (names and e-mail live with auth-service, not here). */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Participant(String userId, String role, Instant joinedAt) {
	}

	@Transactional(readOnly = true)
	List<Participant> list(Chat chat) {
		return this.jdbc
			.query("select * from chat_participant where chat_id = ? order by joined_at, user_id limit " + MAX, (rs,
					n) -> new Participant(rs.getString("user_id"), rs.getString("role"), Chat.instant(rs, "joined_at")),
					chat.id());
	}

	@Transactional
	Participant add(Caller caller, Chat chat, String userId, String requestedRole) {
		demandOwner(caller, chat);
		if (userId == null || userId.isBlank()) {
			throw ProblemException.badRequest("user_id is required");
		}
		if (this.memberships.find(chat.workspaceId(), userId).isEmpty()) {
			throw ProblemException.badRequest("user is not a member of this workspace");
		}
		String role = "owner".equalsIgnoreCase(requestedRole) ? "owner" : "member";
		this.jdbc.queryForObject("select id from chat where id = ? for update", String.class, chat.id());
		Integer count = this.jdbc.queryForObject("select count(*) from chat_participant where chat_id = ?",
				Integer.class, chat.id());
		if (count != null && count >= MAX) {
			throw ProblemException.badRequest("A chat has at most " + MAX + " participants");
		}
		this.jdbc.update("""
				insert into chat_participant (chat_id, user_id, role, joined_at) values (?, ?, ?, ?)
				on conflict (chat_id, user_id) do update set role = excluded.role
				""", chat.id(), userId, role, Timestamp.from(Timestamps.now()));
		this.events.publish("chat.participant_added", chat.workspaceId(), chat.id(), caller.userId(),
				Map.of("chat_id", chat.id(), "user_id", userId, "role", role));
		return this.jdbc
			.query("select * from chat_participant where chat_id = ? and user_id = ?",
					(rs, n) -> new Participant(rs.getString("user_id"), rs.getString("role"),
							Chat.instant(rs, "joined_at")),
					chat.id(), userId)
			.get(0);
	}

	@Transactional
	void remove(Caller caller, Chat chat, String userId) {
		demandOwner(caller, chat);
		if (userId.equals(chat.createdBy())) {
			throw ProblemException.badRequest("cannot remove the chat owner");
		}
		if (this.jdbc.update("delete from chat_participant where chat_id = ? and user_id = ?", chat.id(), userId) > 0) {
			this.events.publish("chat.participant_removed", chat.workspaceId(), chat.id(), caller.userId(),
					Map.of("chat_id", chat.id(), "user_id", userId));
		}
	}

	private static void demandOwner(Caller caller, Chat chat) {
		if (!caller.userId().equals(chat.createdBy()) && !caller.manages()) {
			throw ProblemException.forbidden("Only the chat owner or a workspace OWNER/ADMIN may change participants");
		}
	}

}
