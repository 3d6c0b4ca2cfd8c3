package crewship.mission.chats;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.chats.ChatAccess.Located;
import crewship.mission.chats.ChatParticipants.Participant;
import crewship.mission.chats.ChatReactions.Reaction;
import crewship.mission.chats.Chats.MessageView;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/chats/{chatId}/**}: a chat by id alone. The workspace is the chat's own
 * (no workspace context is needed); the caller must be a member of it.
 */
@RestController
class ChatMessageController {

	private static final String BASE = "/api/v1/chats/{chatId}";

	private final Chats chats;

	private final ChatReactions reactions;

	private final ChatParticipants participants;

	private final ChatStreams streams;

	private final ChatAccess access;

	private final ChatSettings settings;

	ChatMessageController(Chats chats, ChatReactions reactions, ChatParticipants participants, ChatStreams streams,
			ChatAccess access, ChatSettings settings) {
		this.chats = chats;
		this.reactions = reactions;
		this.participants = participants;
		this.streams = streams;
		this.access = access;
		this.settings = settings;
	}

	/**
	 * The transcript, oldest first: the newest {@code limit} messages (default 100). A
	 * larger limit than the server's cap ({@code transcript-max-limit}, 500) is capped,
	 * as the CLI page says, not refused.
	 */
	@GetMapping(BASE + "/messages")
	Map<String, List<MessageView>> messages(@PathVariable String chatId, @RequestParam(defaultValue = "100") int limit,
			@RequestParam(defaultValue = "0") int offset, IdentityAssertion caller) {
		if (limit < 1) {
			throw ProblemException.badRequest("limit must be at least 1");
		}
		if (offset < 0) {
			throw ProblemException.badRequest("offset must be 0 or greater");
		}
		Located located = this.access.byId(caller, chatId);
		return Map.of("messages",
				this.chats.messages(located.chat(), Math.min(limit, this.settings.transcriptMaxLimit()), offset));
	}

	@GetMapping(BASE + "/messages/{messageId}/reactions")
	Map<String, List<Reaction>> reactions(@PathVariable String chatId, @PathVariable String messageId,
			IdentityAssertion caller) {
		Located located = this.access.byId(caller, chatId);
		return Map.of("reactions", this.reactions.list(located.caller(), located.chat(), messageId));
	}

	@PostMapping(BASE + "/messages/{messageId}/reactions")
	Map<String, String> react(@PathVariable String chatId, @PathVariable String messageId,
			@RequestBody(required = false) JsonNode body, IdentityAssertion caller) {
		Located located = this.access.byId(caller, chatId);
		String emoji = ChatController.optionalString(body, "emoji");
		return Map.of("emoji", this.reactions.add(located.caller(), located.chat(), messageId, emoji));
	}

	@DeleteMapping(BASE + "/messages/{messageId}/reactions/{emoji}")
	ResponseEntity<Void> unreact(@PathVariable String chatId, @PathVariable String messageId,
			@PathVariable String emoji, IdentityAssertion caller) {
		Located located = this.access.byId(caller, chatId);
		this.reactions.remove(located.caller(), located.chat(), messageId, emoji);
		return ResponseEntity.noContent().build();
	}

	@GetMapping(BASE + "/participants")
	Map<String, List<Participant>> participants(@PathVariable String chatId, IdentityAssertion caller) {
		return Map.of("participants", this.participants.list(this.access.byId(caller, chatId).chat()));
	}

	@PostMapping(BASE + "/participants")
	Participant addParticipant(@PathVariable String chatId, @RequestBody(required = false) JsonNode body,
			IdentityAssertion caller) {
		Located located = this.access.byId(caller, chatId);
		return this.participants.add(located.caller(), located.chat(), ChatController.optionalString(body, "user_id"),
				ChatController.optionalString(body, "role"));
	}

	@DeleteMapping(BASE + "/participants/{userId}")
	ResponseEntity<Void> removeParticipant(@PathVariable String chatId, @PathVariable String userId,
			IdentityAssertion caller) {
		Located located = this.access.byId(caller, chatId);
		this.participants.remove(located.caller(), located.chat(), userId);
		return ResponseEntity.noContent().build();
	}

	/**
	 * 202 with {@code queued} while a reply is being written (the message is the next
	 * turn); 200 when no reply was in flight and the message started one.
	 */
	@PostMapping(BASE + "/steer")
	ResponseEntity<Map<String, Boolean>> steer(@PathVariable String chatId,
			@RequestBody(required = false) JsonNode body, IdentityAssertion caller) {
		Located located = this.access.byId(caller, chatId);
		boolean queued = this.chats.steer(located.caller(), located.chat(),
				ChatController.optionalString(body, "message"));
		return ResponseEntity.status(queued ? HttpStatus.ACCEPTED : HttpStatus.OK)
			.body(Map.of("in_flight", queued, "queued", queued));
	}

	/** The session's run live as NDJSON (see {@link ChatStreams}). */
	@GetMapping(BASE + "/stream")
	void stream(@PathVariable String chatId, @RequestParam(defaultValue = "false") boolean follow,
			@RequestParam(defaultValue = "0") int idle,
			@RequestParam(name = "last_seq", defaultValue = "0") long lastSeq, IdentityAssertion caller,
			HttpServletResponse response) throws java.io.IOException {
		if (idle < 0) {
			throw ProblemException.badRequest("idle must be 0 (the server default) or more seconds");
		}
		if (lastSeq < 0) {
			throw ProblemException.badRequest("last_seq must be 0 or greater");
		}
		Located located = this.access.byId(caller, chatId);
		int idleSeconds = (idle == 0) ? this.settings.streamIdleSeconds()
				: Math.min(idle, this.settings.streamMaxIdleSeconds());
		this.streams.stream(located.chat(), follow, idleSeconds, lastSeq, response);
	}

}
