package crewship.mission.chats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.multipart.MultipartFile;

import crewship.mission.agents.AgentProfiles;
import crewship.mission.chats.ChatAccess.Caller;
import crewship.mission.prompts.PromptFence;
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

	/** The path of an attachment in a message: chat id, attachment id. */
	private static final Pattern REFERENCE = Pattern
		.compile("attachments/([A-Za-z0-9_-]{1,64})/([A-Za-z0-9_-]{1,64})/");

	/** How many attached files one turn names in its prompt, and how many it reads. */
	static final int PROMPT_FILES = 10;

	static final int PROMPT_TEXT_FILES = 3;

	private static final Set<String> TEXT_TYPES = Set.of("application/json", "application/xml", "application/yaml",
			"application/x-yaml", "application/csv", "application/javascript", "application/x-ndjson",
			"application/sql", "application/toml");

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

	/**
	 * The files a turn's messages point at by the path their upload answered
	 * ({@code attachments/<chatId>/<attachmentId>/<name>}), for the run's prompt. No crew
	 * container runs here to put them where the agent could open them, so the first
	 * {@value #PROMPT_TEXT_FILES} readable text files travel in the prompt, each fenced
	 * as untrusted data and cut to {@link PromptFence#MAX_BYTES}; any other file is named
	 * with a note that this runtime cannot read it, so the agent says so rather than
	 * guessing at its content. Empty when the messages point at none of this chat's
	 * files.
	 */
	String forPrompt(Chat chat, List<String> messages) {
		Set<String> mentioned = new LinkedHashSet<>();
		for (String message : messages) {
			Matcher reference = REFERENCE.matcher(message);
			while (reference.find()) {
				if (reference.group(1).equals(chat.id()) && mentioned.size() < PROMPT_FILES) {
					mentioned.add(reference.group(2));
				}
			}
		}
		if (mentioned.isEmpty()) {
			return "";
		}
		Map<String, PromptFile> files = new HashMap<>();
		this.jdbc.query("""
				select id, filename, content_type, size_bytes, substring(content from 1 for ?) as head
				from chat_attachment where chat_id = ? and id = any(?)
				""", (ResultSet rs) -> {
			files.put(rs.getString("id"), new PromptFile(rs.getString("id"), rs.getString("filename"),
					rs.getString("content_type"), rs.getLong("size_bytes"), rs.getBytes("head")));
		}, PromptFence.MAX_BYTES, chat.id(), mentioned.toArray(String[]::new));
		StringBuilder prompt = new StringBuilder();
		int fenced = 0;
		for (String id : mentioned) {
			PromptFile file = files.get(id);
			if (file == null) {
				continue;
			}
			String path = "attachments/" + chat.id() + "/" + file.id() + "/" + file.filename();
			String details = "File " + path + ", " + file.contentType() + ", " + file.sizeBytes() + " bytes";
			String text = (fenced < PROMPT_TEXT_FILES) ? file.text() : null;
			if (text == null) {
				prompt.append("The attached file ")
					.append(path)
					.append(" (")
					.append(file.contentType())
					.append(", ")
					.append(file.sizeBytes())
					.append(" bytes) cannot be read by this runtime: say so rather than guess at its content.\n");
				continue;
			}
			fenced++;
			prompt.append(PromptFence.fence("attached file " + file.filename(), details, text));
			long cut = file.sizeBytes() - file.head().length;
			if (cut > 0) {
				prompt.append("[the last ").append(cut).append(" bytes of the file were cut]\n");
			}
		}
		return prompt.toString();
	}

	/** The first bytes of an attachment, for a prompt. */
	private record PromptFile(String id, String filename, String contentType, long sizeBytes, byte[] head) {

		/**
		 * The head as text when the file is text (by type, and valid UTF-8 without NULs).
		 */
		String text() {
			String type = this.contentType.toLowerCase(java.util.Locale.ROOT);
			int parameters = type.indexOf(';');
			String bare = ((parameters >= 0) ? type.substring(0, parameters) : type).strip();
			if (!bare.startsWith("text/") && !TEXT_TYPES.contains(bare) && !bare.endsWith("+json")
					&& !bare.endsWith("+xml")) {
				return null;
			}
			byte[] bytes = this.head;
			// a head cut inside a character: drop the partial sequence at its end
			for (int drop = 0; drop < 4 && drop < bytes.length; drop++) {
				try {
					String text = StandardCharsets.UTF_8.newDecoder()
						.onMalformedInput(CodingErrorAction.REPORT)
						.onUnmappableCharacter(CodingErrorAction.REPORT)
						.decode(ByteBuffer.wrap(bytes, 0, bytes.length - drop))
						.toString();
					return (text.indexOf('\0') >= 0) ? null : text;
				}
				catch (CharacterCodingException ex) {
					if (this.head.length < this.sizeBytes) {
						continue;
					}
					return null;
				}
			}
			return null;
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
