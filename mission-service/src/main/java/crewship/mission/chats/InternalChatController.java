package crewship.mission.chats;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/internal/chats/{chatId}}, internal callers only: the workspace of a
 * chat, so realtime-service can check a {@code session:{chatId}} subscription (and a
 * {@code send_message}) against membership before any event of the chat was seen. 404 for
 * an unknown or deleted chat.
 */
@RestController
class InternalChatController {

	private final Chats chats;

	InternalChatController(Chats chats) {
		this.chats = chats;
	}

	record ChatOwnership(String id, String workspaceId, String agentId) {
	}

	@GetMapping("/api/v1/internal/chats/{chatId}")
	ChatOwnership chat(@PathVariable String chatId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return this.chats.find(chatId)
			.map(chat -> new ChatOwnership(chat.id(), chat.workspaceId(), chat.agentId()))
			.orElseThrow(() -> ProblemException.notFound("No such chat"));
	}

}
