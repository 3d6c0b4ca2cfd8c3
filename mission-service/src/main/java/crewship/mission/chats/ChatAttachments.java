package crewship.mission.chats;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.multipart.MultipartFile;

import crewship.mission.agents.AgentProfiles;
import crewship.mission.chats.ChatAccess.Caller;
import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * Files attached to a chat, kept in this service's database (no crew container runs here
 * to write them into). Bounded in size (413) and in number per chat (413); the same bytes
 * under the same name in the same chat are the same attachment (200), so a retry is safe.
 * {@code path} is where an agent reads it,
 * {@code attachments/<chatId>/<attachmentId>/<filename>}, and {@code agent_path} the same
 * under the agent's {@code /output/<agentSlug>/} tree.
 */
@Service
class ChatAttachments {

	private final JdbcTemplate jdbc;

	private final AgentProfiles agents;

	private final DomainEvents events;

	private final ChatSettings settings;

	ChatAttachments(JdbcTemplate jdbc, AgentProfiles agents, DomainEvents events, ChatSettings settings) {
		this.jdbc = jdbc;
		this.agents = agents;
		this.events = events;
		this.settings = settings;
	}

	/** The list element of the page. */
	record AttachmentView(String id, String workspaceId, String ownerType, String ownerId, String filename,
			String contentType, long sizeBytes, String sha256, String uploadedByUserId, Instant createdAt, String path,
			String agentPath) {
	}

	record Stored(AttachmentView attachment, boolean created) {
	}

	@Transactional(readOnly = true)
	List<AttachmentView> list(Chat chat) {
		String slug = agentSlug(chat);
		return this.jdbc.query("""
				select id, workspace_id, chat_id, filename, content_type, size_bytes, sha256, uploaded_by_user_id,
				       created_at
				from chat_attachment where chat_id = ? order by created_at desc, id desc limit ?
				""", (rs, n) -> view(rs, slug), chat.id(), this.settings.attachmentMaxCount());
	}

	@Transactional
	Stored upload(Caller caller, Chat chat, MultipartFile file) {
		if (file == null) {
			throw ProblemException.badRequest("The multipart form needs a 'file' part");
		}
		String filename = safeName(file.getOriginalFilename());
		if (file.getSize() > this.settings.attachmentMaxBytes()) {
			throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE,
					"An attachment is at most " + this.settings.attachmentMaxBytes() + " bytes");
		}
		byte[] content;
		try {
			content = file.getBytes();
		}
		catch (IOException ex) {
			throw ProblemException.badRequest("The file part could not be read");
		}
		String digest = sha256(content);
		// the chat's row lock orders uploads to one chat: the count check holds
		this.jdbc.queryForObject("select id from chat where id = ? for update", String.class, chat.id());
		String slug = agentSlug(chat);
		Optional<AttachmentView> existing = this.jdbc.query("""
				select id, workspace_id, chat_id, filename, content_type, size_bytes, sha256, uploaded_by_user_id,
				       created_at
				from chat_attachment where chat_id = ? and sha256 = ? and filename = ?
				""", (rs, n) -> view(rs, slug), chat.id(), digest, filename).stream().findFirst();
		if (existing.isPresent()) {
			return new Stored(existing.get(), false);
		}
		Integer count = this.jdbc.queryForObject("select count(*) from chat_attachment where chat_id = ?",
				Integer.class, chat.id());
		if (count != null && count >= this.settings.attachmentMaxCount()) {
			throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE,
					"A chat holds at most " + this.settings.attachmentMaxCount() + " attachments");
		}
		String id = Cuid.next();
		String contentType = contentType(file.getContentType());
		this.jdbc.update("""
				insert into chat_attachment (id, workspace_id, chat_id, filename, content_type, size_bytes, sha256,
				    uploaded_by_user_id, content, created_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				""", id, chat.workspaceId(), chat.id(), filename, contentType, content.length, digest, caller.userId(),
				content, Timestamp.from(Timestamps.now()));
		this.events.publish("chat.attachment_added", chat.workspaceId(), chat.id(), caller.userId(),
				Map.of("id", id, "chat_id", chat.id(), "agent_id", chat.agentId(), "filename", filename));
		return new Stored(this.jdbc.query("""
				select id, workspace_id, chat_id, filename, content_type, size_bytes, sha256, uploaded_by_user_id,
				       created_at
				from chat_attachment where id = ?
				""", (rs, n) -> view(rs, slug), id).get(0), true);
	}

	/** Idempotent: an attachment already gone is what was asked for. */
	@Transactional
	void delete(Chat chat, String attachmentId) {
		if (this.jdbc.update("delete from chat_attachment where id = ? and chat_id = ?", attachmentId, chat.id()) > 0) {
			this.events.publish("chat.attachment_removed", chat.workspaceId(), chat.id(), null,
					Map.of("id", attachmentId, "chat_id", chat.id(), "agent_id", chat.agentId()));
		}
	}

	private String agentSlug(Chat chat) {
		return this.agents.find(chat.workspaceId(), chat.agentId())
			.map(agent -> (agent.slug() != null) ? agent.slug() : agent.id())
			.orElse(chat.agentId());
	}

	private static AttachmentView view(ResultSet rs, String slug) throws SQLException {
		String path = "attachments/" + rs.getString("chat_id") + "/" + rs.getString("id") + "/"
				+ rs.getString("filename");
		return new AttachmentView(rs.getString("id"), rs.getString("workspace_id"), "chat", rs.getString("chat_id"),
				rs.getString("filename"), rs.getString("content_type"), rs.getLong("size_bytes"),
				rs.getString("sha256"), rs.getString("uploaded_by_user_id"), Chat.instant(rs, "created_at"), path,
				"/output/" + slug + "/" + path);
	}

	/**
	 * The last path segment, without control characters, separators or a leading dot; at
	 * most 255 characters.
	 */
	static String safeName(String original) {
		String name = (original != null) ? original : "";
		name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
		StringBuilder safe = new StringBuilder();
		name.codePoints()
			.filter(cp -> !Character.isISOControl(cp) && Character.getType(cp) != Character.FORMAT)
			.forEach(safe::appendCodePoint);
		String cleaned = safe.toString().strip().replaceFirst("^\\.+", "");
		if (cleaned.isEmpty()) {
			throw ProblemException.badRequest("The file needs a name");
		}
		if (cleaned.length() > 255) {
			throw ProblemException.badRequest("The file's name is longer than 255 characters");
		}
		return cleaned;
	}

	private static String contentType(String declared) {
		try {
			String type = (declared != null) ? MediaType.parseMediaType(declared).toString()
					: MediaType.APPLICATION_OCTET_STREAM_VALUE;
			return (type.length() <= 128) ? type : MediaType.APPLICATION_OCTET_STREAM_VALUE;
		}
		catch (RuntimeException ex) {
			return MediaType.APPLICATION_OCTET_STREAM_VALUE;
		}
	}

	private static String sha256(byte[] content) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
