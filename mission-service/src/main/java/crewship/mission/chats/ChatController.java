package crewship.mission.chats;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import crewship.mission.chats.ChatAccess.Caller;
import crewship.mission.chats.ChatAttachments.AttachmentView;
import crewship.mission.chats.ChatAttachments.Stored;
import crewship.mission.chats.Chats.ChatView;
import crewship.mission.chats.Chats.Created;
import crewship.mission.chats.Chats.ReadCursor;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/agents/{agentId}/chats/**}: an agent's chats, in the named workspace.
 */
@RestController
class ChatController {

	private static final String BASE = "/api/v1/agents/{agentId}/chats";

	private final Chats chats;

	private final ChatAttachments attachments;

	private final ChatAccess access;

	ChatController(Chats chats, ChatAttachments attachments, ChatAccess access) {
		this.chats = chats;
		this.attachments = attachments;
		this.access = access;
	}

	@GetMapping(BASE)
	List<ChatView> list(@PathVariable String agentId, @PageParams.Defaults(limit = 50) PageParams page,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.chats.list(this.access.inRequestedWorkspace(caller, request), agentId, page);
	}

	@PostMapping(BASE)
	ResponseEntity<Map<String, String>> create(@PathVariable String agentId,
			@RequestBody(required = false) JsonNode body, IdentityAssertion caller, HttpServletRequest request) {
		Caller scope = this.access.inRequestedWorkspace(caller, request);
		if (body != null && !body.isNull() && !body.isObject()) {
			throw ProblemException.badRequest("The body must be a JSON object");
		}
		String sessionId = optionalString(body, "session_id");
		String origin = optionalString(body, "origin");
		String title = optionalString(body, "title");
		// the page: an unknown origin is stored as empty
		String storedOrigin = (origin != null && Chats.ORIGINS.contains(origin)) ? origin : null;
		Created created = this.chats.create(scope, agentId, sessionId, storedOrigin, title);
		return ResponseEntity.status(created.created() ? HttpStatus.CREATED : HttpStatus.OK)
			.body(Map.of("id", created.id()));
	}

	@PutMapping(BASE + "/{chatId}/read")
	ReadCursor read(@PathVariable String agentId, @PathVariable String chatId, IdentityAssertion caller,
			HttpServletRequest request) {
		Caller scope = this.access.inRequestedWorkspace(caller, request);
		return this.chats.markRead(scope, this.access.nested(scope, agentId, chatId));
	}

	@PatchMapping(BASE + "/{chatId}")
	ChatView rename(@PathVariable String agentId, @PathVariable String chatId,
			@RequestBody(required = false) JsonNode body, IdentityAssertion caller, HttpServletRequest request) {
		Caller scope = this.access.inRequestedWorkspace(caller, request);
		Chat chat = this.access.nested(scope, agentId, chatId);
		JsonNode title = (body != null && body.isObject()) ? body.get("title") : null;
		if (title == null || !title.isString()) {
			throw ProblemException.badRequest("title is required and must be a string");
		}
		this.access.demandOwnerOrEditor(scope, chat);
		return this.chats.rename(scope, chat, title.asString());
	}

	@DeleteMapping(BASE + "/{chatId}")
	ResponseEntity<Void> delete(@PathVariable String agentId, @PathVariable String chatId, IdentityAssertion caller,
			HttpServletRequest request) {
		Caller scope = this.access.inRequestedWorkspace(caller, request);
		Chat chat = this.access.nested(scope, agentId, chatId);
		this.access.demandOwnerOrEditor(scope, chat);
		this.chats.delete(scope, chat);
		return ResponseEntity.noContent().build();
	}

	@PostMapping(path = BASE + "/{chatId}/attachments", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	ResponseEntity<Map<String, Object>> upload(@PathVariable String agentId, @PathVariable String chatId,
			@RequestPart(name = "file", required = false) MultipartFile file, IdentityAssertion caller,
			HttpServletRequest request) {
		Caller scope = this.access.inRequestedWorkspace(caller, request);
		Chat chat = this.access.nested(scope, agentId, chatId);
		this.access.demandWrite(scope, chat);
		Stored stored = this.attachments.upload(scope, chat, file);
		AttachmentView view = stored.attachment();
		return ResponseEntity.status(stored.created() ? HttpStatus.CREATED : HttpStatus.OK)
			.body(Map.of("filename", view.filename(), "size", view.sizeBytes(), "path", view.path(), "agent_path",
					view.agentPath(), "id", view.id(), "sha256", view.sha256()));
	}

	@GetMapping(BASE + "/{chatId}/attachments")
	List<AttachmentView> attachments(@PathVariable String agentId, @PathVariable String chatId,
			IdentityAssertion caller, HttpServletRequest request) {
		Caller scope = this.access.inRequestedWorkspace(caller, request);
		return this.attachments.list(this.access.nested(scope, agentId, chatId));
	}

	@DeleteMapping(BASE + "/{chatId}/attachments/{attachmentId}")
	ResponseEntity<Void> deleteAttachment(@PathVariable String agentId, @PathVariable String chatId,
			@PathVariable String attachmentId, IdentityAssertion caller, HttpServletRequest request) {
		Caller scope = this.access.inRequestedWorkspace(caller, request);
		Chat chat = this.access.nested(scope, agentId, chatId);
		this.access.demandWrite(scope, chat);
		this.attachments.delete(chat, attachmentId);
		return ResponseEntity.noContent().build();
	}

	static String optionalString(JsonNode body, String field) {
		if (body == null || !body.isObject()) {
			return null;
		}
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw ProblemException.badRequest(field + " must be a string");
		}
		return value.asString().isBlank() ? null : value.asString().trim();
	}

}
