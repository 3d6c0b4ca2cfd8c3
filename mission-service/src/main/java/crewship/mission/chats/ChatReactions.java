package crewship.mission.chats;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.mission.chats.ChatAccess.Caller;
import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * Emoji reactions on a chat's messages, idempotent per (message, emoji, user): adding one
 * twice or removing one that is not there changes nothing. A user holds at most
 * {@value #MAX_PER_USER} different reactions on one message.
 */
@Service
class ChatReactions {

	static final int MAX_PER_USER = 20;

	static final int MAX_EMOJI_CODE_POINTS = 16;

	private final JdbcTemplate jdbc;

	private final DomainEvents events;

	ChatReactions(JdbcTemplate jdbc, DomainEvents events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	record Reaction(String emoji, int count, boolean mine) {
	}

	@Transactional(readOnly = true)
	List<Reaction> list(Caller caller, Chat chat, String messageId) {
		requireMessage(chat, messageId);
		return this.jdbc.query("""
				select emoji, count(*) as n, bool_or(user_id = ?) as mine from chat_reaction
				where message_id = ? group by emoji order by min(created_at), emoji
				""", (rs, n) -> new Reaction(rs.getString("emoji"), rs.getInt("n"), rs.getBoolean("mine")),
				caller.userId(), messageId);
	}

	@Transactional
	String add(Caller caller, Chat chat, String messageId, String rawEmoji) {
		String emoji = emoji(rawEmoji);
		requireMessage(chat, messageId);
		Integer mine = this.jdbc.queryForObject(
				"select count(*) from chat_reaction where message_id = ? and user_id = ? and emoji <> ?", Integer.class,
				messageId, caller.userId(), emoji);
		if (mine != null && mine >= MAX_PER_USER) {
			throw ProblemException.badRequest("At most " + MAX_PER_USER + " reactions per message and user");
		}
		int added = this.jdbc.update("""
				insert into chat_reaction (message_id, chat_id, user_id, emoji, created_at) values (?, ?, ?, ?, ?)
				on conflict do nothing
				""", messageId, chat.id(), caller.userId(), emoji, Timestamp.from(Timestamps.now()));
		if (added > 0) {
			changed(caller, chat, messageId, emoji, "added");
		}
		return emoji;
	}

	@Transactional
	void remove(Caller caller, Chat chat, String messageId, String rawEmoji) {
		String emoji = emoji(rawEmoji);
		requireMessage(chat, messageId);
		if (this.jdbc.update("delete from chat_reaction where message_id = ? and user_id = ? and emoji = ?", messageId,
				caller.userId(), emoji) > 0) {
			changed(caller, chat, messageId, emoji, "removed");
		}
	}

	private void changed(Caller caller, Chat chat, String messageId, String emoji, String change) {
		this.events.publish("chat.reaction_" + change, chat.workspaceId(), chat.id(), caller.userId(),
				Map.of("chat_id", chat.id(), "message_id", messageId, "emoji", emoji, "user_id", caller.userId()));
	}

	private void requireMessage(Chat chat, String messageId) {
		Integer found = this.jdbc.queryForObject("select count(*) from chat_message where id = ? and chat_id = ?",
				Integer.class, messageId, chat.id());
		if (found == null || found == 0) {
			throw ProblemException.notFound("Message not found");
		}
	}

	/** One emoji (a sequence of a few code points), no spaces or control characters. */
	static String emoji(String raw) {
		String emoji = (raw != null) ? raw.strip() : "";
		if (emoji.isEmpty()) {
			throw ProblemException.badRequest("emoji is required");
		}
		if (emoji.codePointCount(0, emoji.length()) > MAX_EMOJI_CODE_POINTS
				|| emoji.codePoints().anyMatch(cp -> Character.isWhitespace(cp) || Character.isISOControl(cp))) {
			throw ProblemException.badRequest("emoji must be a single emoji");
		}
		return emoji;
	}

}
