package crewship.mission.chats;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.mission.agents.AgentProfile;
import crewship.mission.agents.AgentProfiles;
import crewship.mission.chats.ChatAccess.Caller;
import crewship.mission.runs.NewRun;
import crewship.mission.runs.NewRun.Turn;
import crewship.mission.runs.RunFinished;
import crewship.mission.runs.RunOutputChunk;
import crewship.mission.runs.RunRequests;
import crewship.mission.runs.RunStatus;
import crewship.mission.runs.RunStore;
import crewship.mission.runs.Trigger;
import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * Chats and their messages. A message a user sends is stored and becomes a
 * {@link Trigger#CHAT} run with the conversation so far (bounded); one reply is written
 * at a time per chat (the chat's {@code active_run_id}). The reply streams to the session
 * as {@code text} frames and is stored when the run ends — in the run's terminal
 * transaction, so a reply is stored exactly once, on whichever replica ran it.
 */
@Service
public class Chats {

	static final Set<String> ORIGINS = Set.of("UI", "CLI", "WEBHOOK", "CRON", "AGENT");

	private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	/**
	 * The caller's unread count (others' messages after their read cursor) and the chat's
	 * mode, with the row.
	 */
	private static final String VIEW_COLUMNS = """
			c.*,
			(select count(*) from chat_message m
			 where m.chat_id = c.id and m.author_user_id is distinct from ?
			   and m.created_at > coalesce((select r.last_read_at from chat_read_cursor r
			                                where r.chat_id = c.id and r.user_id = ?), '-infinity'::timestamptz)
			) as unread_count,
			exists (select 1 from chat_participant p where p.chat_id = c.id) as is_group
			""";

	private final JdbcTemplate jdbc;

	private final AgentProfiles agents;

	private final RunRequests runs;

	private final DomainEvents events;

	private final SessionFrames frames;

	private final ChatSettings settings;

	private final RunStore runStore;

	private final ChatAttachments attachments;

	Chats(JdbcTemplate jdbc, AgentProfiles agents, RunRequests runs, DomainEvents events, SessionFrames frames,
			ChatSettings settings, RunStore runStore, ChatAttachments attachments) {
		this.runStore = runStore;
		this.attachments = attachments;
		this.jdbc = jdbc;
		this.agents = agents;
		this.runs = runs;
		this.events = events;
		this.frames = frames;
		this.settings = settings;
	}

	/** One element of the chat list (and the answer of a rename). */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ChatView(String id, String workspaceId, String agentId, String title, String origin, String mode,
			String status, int messageCount, int unreadCount, Instant startedAt, Instant endedAt,
			Instant lastActivityAt, Instant createdAt) {
	}

	/** One message of a transcript. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record MessageView(String id, String sessionId, String role, String content, String authorUserId,
			String toolSummary, String runId, Instant ts) {
	}

	record Created(String id, boolean created) {
	}

	record ReadCursor(String chatId, Instant lastReadAt) {
	}

	// ---- chats
	// ---------------------------------------------------------------------------

	@Transactional(readOnly = true)
	List<ChatView> list(Caller caller, String agentId, PageParams page) {
		return this.jdbc.query(
				"select " + VIEW_COLUMNS + " from chat c where c.workspace_id = ? and c.agent_id = ?"
						+ " order by c.last_activity_at desc, c.id desc limit ? offset ?",
				(rs, n) -> view(Chat.of(rs), rs.getInt("unread_count"), rs.getBoolean("is_group")), caller.userId(),
				caller.userId(), caller.workspaceId(), agentId, page.limit(), page.offset());
	}

	@Transactional
	Created create(Caller caller, String agentId, String sessionId, String origin, String title) {
		if (caller.role() == WorkspaceRole.VIEWER) {
			throw ProblemException.forbidden("A VIEWER may not start chats");
		}
		AgentProfile agent = this.agents.find(caller.workspaceId(), agentId)
			.orElseThrow(() -> ProblemException.notFound("Agent not found"));
		String storedTitle = (title != null) ? ChatTitles.normalize(title) : null;
		String id = Cuid.next();
		if (sessionId != null) {
			if (!SESSION_ID.matcher(sessionId).matches()) {
				throw ProblemException.badRequest("session_id must be 1-64 letters, digits, '-' or '_'");
			}
			Optional<Chat> existing = this.jdbc
				.query("select * from chat where id = ? for update", (rs, n) -> Chat.of(rs), sessionId)
				.stream()
				.findFirst();
			if (existing.isPresent()) {
				Chat chat = existing.get();
				if (chat.workspaceId().equals(caller.workspaceId()) && chat.agentId().equals(agent.id())
						&& caller.userId().equals(chat.createdBy())) {
					return new Created(chat.id(), false);
				}
				throw ProblemException.conflict("That session id is taken");
			}
			id = sessionId;
		}
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc.update("""
				insert into chat (id, workspace_id, agent_id, crew_id, created_by, title, origin, started_at,
				    last_activity_at, created_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				""", id, caller.workspaceId(), agent.id(), agent.crewId(), caller.userId(), storedTitle, origin, now,
				now, now);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", id);
		data.put("agent_id", agent.id());
		if (agent.crewId() != null) {
			data.put("crew_id", agent.crewId());
		}
		data.put("created_by", caller.userId());
		if (origin != null) {
			data.put("origin", origin);
		}
		this.events.publish("chat.created", caller.workspaceId(), id, caller.userId(), data);
		return new Created(id, true);
	}

	@Transactional
	ChatView rename(Caller caller, Chat chat, String rawTitle) {
		String title = ChatTitles.normalize(rawTitle);
		this.jdbc.update("update chat set title = ? where id = ?", title, chat.id());
		this.events.publish("chat.updated", caller.workspaceId(), chat.id(), caller.userId(),
				Map.of("id", chat.id(), "agent_id", chat.agentId(), "title", title));
		return view(lock(chat.id()).orElseThrow(), caller.userId());
	}

	@Transactional
	void delete(Caller caller, Chat chat) {
		Chat locked = lock(chat.id()).orElseThrow(() -> ProblemException.notFound("Chat not found"));
		if (locked.activeRunId() != null) {
			// the reply being written has nowhere to go: stop it
			this.runs.cancel(locked.workspaceId(), locked.activeRunId(), caller.userId(), "chat deleted");
		}
		this.jdbc.update("delete from chat where id = ?", chat.id());
		this.events.publish("chat.deleted", caller.workspaceId(), chat.id(), caller.userId(),
				Map.of("id", chat.id(), "agent_id", chat.agentId()));
	}

	@Transactional
	ReadCursor markRead(Caller caller, Chat chat) {
		Instant now = Timestamps.now();
		this.jdbc.update("""
				insert into chat_read_cursor (chat_id, user_id, last_read_at) values (?, ?, ?)
				on conflict (chat_id, user_id) do update set last_read_at = excluded.last_read_at
				""", chat.id(), caller.userId(), Timestamp.from(now));
		this.events.publish("chat.read", caller.workspaceId(), chat.id(), caller.userId(), Map.of("id", chat.id(),
				"agent_id", chat.agentId(), "user_id", caller.userId(), "last_read_at", now.toString()));
		return new ReadCursor(chat.id(), now);
	}

	private ChatView view(Chat chat, String userId) {
		return this.jdbc
			.query("select " + VIEW_COLUMNS + " from chat c where c.id = ?",
					(rs, n) -> view(Chat.of(rs), rs.getInt("unread_count"), rs.getBoolean("is_group")), userId, userId,
					chat.id())
			.get(0);
	}

	private static ChatView view(Chat chat, int unread, boolean group) {
		return new ChatView(chat.id(), chat.workspaceId(), chat.agentId(), chat.title(), chat.origin(),
				group ? "GROUP" : "DIRECT", chat.status(), chat.messageCount(), unread, chat.startedAt(),
				chat.endedAt(), chat.lastActivityAt(), chat.createdAt());
	}

	// ---- messages
	// ------------------------------------------------------------------------

	/** The newest {@code limit} messages after skipping {@code offset}, oldest first. */
	@Transactional(readOnly = true)
	List<MessageView> messages(Chat chat, int limit, int offset) {
		List<MessageView> newestFirst = new ArrayList<>(this.jdbc.query(
				"select * from chat_message where chat_id = ? order by created_at desc, id desc limit ? offset ?",
				(rs, n) -> new MessageView(rs.getString("id"), rs.getString("chat_id"), rs.getString("role"),
						rs.getString("content"), rs.getString("author_user_id"), rs.getString("tool_summary"),
						rs.getString("run_id"), Chat.instant(rs, "created_at")),
				chat.id(), limit, offset));
		Collections.reverse(newestFirst);
		return newestFirst;
	}

	/**
	 * Stores the user's message and asks the agent for a reply.
	 * @return the run writing the reply; null in a group chat whose message did not
	 * mention the agent (stored, no reply asked for)
	 * @throws ProblemException 409 while a reply is still being written, 400 for an empty
	 * or over-long message, 403 for a caller who may not send here
	 */
	@Transactional
	public String send(String chatId, String userId, String content) {
		Chat chat = lock(chatId).orElseThrow(() -> ProblemException.notFound("Chat not found"));
		if (!userId.equals(chat.createdBy()) && !isParticipant(chat.id(), userId)) {
			throw ProblemException.forbidden("Only the chat's creator and its participants may send to it");
		}
		String text = (content != null) ? content.strip() : "";
		if (text.isEmpty()) {
			throw ProblemException.badRequest("The message is empty");
		}
		if (text.length() > this.settings.messageMaxChars()) {
			throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE,
					"A message is at most " + this.settings.messageMaxChars() + " characters");
		}
		if (chat.activeRunId() != null) {
			throw ProblemException.conflict("The agent is still answering: wait for the reply, or cancel it");
		}
		if (isGroup(chat.id())) {
			AgentProfile agent = this.agents.find(chat.workspaceId(), chat.agentId())
				.orElseThrow(() -> ProblemException.conflict("The chat's agent no longer exists"));
			if (!mentions(text, agent)) {
				// a group chat: people talk among themselves until they @mention the
				// agent
				String messageId = storeMessage(chat, "user", text, userId, null, userId);
				this.frames.afterCommit("done", chat.workspaceId(), chat.id(), userId,
						Map.of("status", "NOT_MENTIONED", "message_id", messageId, "reply", false));
				return null;
			}
		}
		return startTurn(chat, userId, List.of(text));
	}

	private boolean isGroup(String chatId) {
		return Boolean.TRUE.equals(this.jdbc
			.queryForObject("select exists (select 1 from chat_participant where chat_id = ?)", Boolean.class, chatId));
	}

	/** {@code @slug} or {@code @name} (any case), not inside a longer word or address. */
	static boolean mentions(String text, AgentProfile agent) {
		for (String handle : new String[] { agent.slug(), agent.name() }) {
			if (handle == null || handle.isBlank()) {
				continue;
			}
			Pattern mention = Pattern.compile("(?<![\\w.@])@" + Pattern.quote(handle) + "(?![\\w-])",
					Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);
			if (mention.matcher(text).find()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Cancels the reply being written.
	 * @return whether there was one
	 */
	@Transactional
	public boolean cancel(String chatId, String userId) {
		Chat chat = lock(chatId).orElseThrow(() -> ProblemException.notFound("Chat not found"));
		if (!userId.equals(chat.createdBy()) && !isParticipant(chat.id(), userId)) {
			throw ProblemException.forbidden("Only the chat's creator and its participants may cancel its reply");
		}
		if (chat.activeRunId() == null) {
			return false;
		}
		return this.runs.cancel(chat.workspaceId(), chat.activeRunId(), userId, "cancelled by the user");
	}

	/**
	 * A steering message: held while a reply is being written and sent as the next turn
	 * when it ends; with no reply in flight it is the next turn at once.
	 * @return whether a reply was in flight (and the message queued)
	 */
	@Transactional
	boolean steer(Caller caller, Chat located, String message) {
		Chat chat = lock(located.id()).orElseThrow(() -> ProblemException.notFound("Chat not found"));
		if (!caller.userId().equals(chat.createdBy()) && !isParticipant(chat.id(), caller.userId())) {
			throw ProblemException.forbidden("Only the chat's creator and its participants may steer it");
		}
		String text = (message != null) ? message.strip() : "";
		if (text.isEmpty()) {
			throw ProblemException.badRequest("message is required");
		}
		if (text.length() > this.settings.messageMaxChars()) {
			throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE,
					"A message is at most " + this.settings.messageMaxChars() + " characters");
		}
		if (chat.activeRunId() == null) {
			startTurn(chat, caller.userId(), List.of(text));
			return false;
		}
		Integer held = this.jdbc.queryForObject("select count(*) from chat_steer where chat_id = ?", Integer.class,
				chat.id());
		if (held != null && held >= this.settings.pendingSteerMax()) {
			throw ProblemException.conflict("This chat already holds " + this.settings.pendingSteerMax()
					+ " steering messages for its next turn");
		}
		this.jdbc.update("insert into chat_steer (id, chat_id, user_id, content, created_at) values (?, ?, ?, ?, ?)",
				Cuid.next(), chat.id(), caller.userId(), text, Timestamp.from(Timestamps.now()));
		return true;
	}

	/** Stores the user messages (one turn) and submits the run that answers them. */
	private String startTurn(Chat chat, String userId, List<String> contents) {
		AgentProfile agent = this.agents.find(chat.workspaceId(), chat.agentId())
			.orElseThrow(() -> ProblemException.conflict("The chat's agent no longer exists"));
		List<Turn> conversation = conversation(chat.id());
		// the files the messages point at travel with this turn's prompt (the stored
		// messages stay as written)
		String files = this.attachments.forPrompt(chat, contents);
		String prompt = String.join("\n\n", contents) + (files.isEmpty() ? "" : "\n\n" + files);
		String runId = this.runs.submit(new NewRun(chat.workspaceId(), agent.id(), agent.crewId(), Trigger.CHAT, prompt,
				conversation, null, null, chat.id(), null, List.of(), null, userId));
		for (String content : contents) {
			storeMessage(chat, "user", content, userId, null, userId);
		}
		this.jdbc.update("update chat set active_run_id = ? where id = ?", runId, chat.id());
		this.frames.afterCommit("status", chat.workspaceId(), chat.id(), userId,
				Map.of("run_id", runId, "status", RunStatus.PENDING.name()));
		return runId;
	}

	/** The earlier messages, oldest first: at most N, and at most so many characters. */
	private List<Turn> conversation(String chatId) {
		List<Turn> newestFirst = this.jdbc.query(
				"select role, content from chat_message where chat_id = ? and role in ('user', 'assistant')"
						+ " order by created_at desc, id desc limit ?",
				(rs, n) -> new Turn(rs.getString("role"), rs.getString("content")), chatId,
				this.settings.conversationTurns());
		List<Turn> kept = new ArrayList<>();
		int chars = 0;
		for (Turn turn : newestFirst) {
			chars += turn.content().length();
			if (chars > this.settings.conversationChars()) {
				break;
			}
			kept.add(turn);
		}
		Collections.reverse(kept);
		return kept;
	}

	private String storeMessage(Chat chat, String role, String content, String authorUserId, String runId,
			String actor) {
		String id = Cuid.next();
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc.update("""
				insert into chat_message (id, chat_id, workspace_id, role, content, author_user_id, run_id, created_at)
				values (?, ?, ?, ?, ?, ?, ?, ?)
				""", id, chat.id(), chat.workspaceId(), role, content, authorUserId, runId, now);
		this.jdbc.update(
				"update chat set message_count = message_count + 1, last_activity_at = greatest(last_activity_at, ?)"
						+ " where id = ?",
				now, chat.id());
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", id);
		data.put("chat_id", chat.id());
		data.put("agent_id", chat.agentId());
		data.put("role", role);
		if (runId != null) {
			data.put("run_id", runId);
		}
		this.events.publish("chat.message_created", chat.workspaceId(), chat.id(), actor, data);
		return id;
	}

	// ---- the engine's side
	// ---------------------------------------------------------------

	/** Streamed text of a chat's run, as it is written. */
	@EventListener
	void on(RunOutputChunk chunk) {
		if (chunk.trigger() != Trigger.CHAT || chunk.chatId() == null || chunk.text() == null
				|| chunk.text().isEmpty()) {
			return;
		}
		this.frames.send("text", chunk.workspaceId(), chunk.chatId(), null,
				Map.of("run_id", chunk.runId(), "content", chunk.text()));
	}

	/**
	 * A chat's run ended (inside its terminal transaction): the reply, or what went
	 * wrong, becomes a message; the session hears {@code done} (or {@code error}) and
	 * {@code result} once that commits; steering messages held meanwhile become the next
	 * turn.
	 */
	@EventListener
	void on(RunFinished finished) {
		if (finished.chatId() == null) {
			return;
		}
		Optional<Chat> locked = lock(finished.chatId());
		if (locked.isEmpty()) {
			return; // deleted meanwhile
		}
		Chat chat = locked.get();
		String messageId = null;
		if (finished.output() != null && !finished.output().isBlank()) {
			messageId = storeMessage(chat, "assistant", finished.output(), null, finished.runId(), finished.agentId());
		}
		String error = null;
		if (finished.status() != RunStatus.COMPLETED) {
			error = switch (finished.status()) {
				case CANCELLED -> "The reply was cancelled";
				case TIMEOUT -> "The agent did not answer in time";
				default -> "The agent could not answer";
			} + ((finished.error() != null && !finished.error().isBlank()) ? ": " + finished.error() : "");
			String systemId = storeMessage(chat, "system", error, null, finished.runId(), finished.agentId());
			messageId = (messageId != null) ? messageId : systemId;
		}
		this.jdbc.update("update chat set active_run_id = null where id = ? and active_run_id = ?", chat.id(),
				finished.runId());

		Map<String, Object> done = new LinkedHashMap<>();
		done.put("run_id", finished.runId());
		done.put("status", finished.status().name());
		if (messageId != null) {
			done.put("message_id", messageId);
		}
		if (finished.status() == RunStatus.FAILED || finished.status() == RunStatus.TIMEOUT) {
			this.frames.error(chat.workspaceId(), chat.id(), finished.runId(), error);
		}
		else {
			this.frames.afterCommit("done", chat.workspaceId(), chat.id(), finished.agentId(), done);
		}
		Map<String, Object> result = new LinkedHashMap<>(done);
		result.put("is_error", finished.status() != RunStatus.COMPLETED);
		result.put("content", (finished.output() != null) ? finished.output() : "");
		result.put("metadata", metadata(finished));
		this.frames.afterCommit("result", chat.workspaceId(), chat.id(), finished.agentId(), result);

		List<Map<String, Object>> held = this.jdbc
			.queryForList("delete from chat_steer where chat_id = ? returning user_id, content, created_at", chat.id());
		if (!held.isEmpty() && this.agents.find(chat.workspaceId(), chat.agentId()).isPresent()) {
			List<Map<String, Object>> ordered = new ArrayList<>(held);
			ordered.sort((a, b) -> ((Timestamp) a.get("created_at")).compareTo((Timestamp) b.get("created_at")));
			String steerer = (String) ordered.get(ordered.size() - 1).get("user_id");
			startTurn(lock(chat.id()).orElseThrow(), steerer,
					ordered.stream().map(row -> (String) row.get("content")).toList());
		}
	}

	/**
	 * What the {@code result} frame reports of the run: cost, token usage, duration and
	 * the model, as the engine recorded them in this same transaction.
	 */
	private Map<String, Object> metadata(RunFinished finished) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("num_turns", 1);
		this.runStore.find(finished.workspaceId(), finished.runId()).ifPresent(run -> {
			metadata.put("total_cost_usd", (run.costUsd() != null) ? run.costUsd() : 0.0);
			Map<String, Object> usage = new LinkedHashMap<>();
			usage.put("input_tokens", (run.inputTokens() != null) ? run.inputTokens() : 0L);
			usage.put("output_tokens", (run.outputTokens() != null) ? run.outputTokens() : 0L);
			metadata.put("usage", usage);
			if (run.durationMs() != null) {
				metadata.put("duration_ms", run.durationMs());
			}
			if (run.runtime() != null) {
				metadata.put("runtime", run.runtime());
			}
			if (run.provider() != null) {
				metadata.put("provider", run.provider());
			}
			if (run.model() != null) {
				metadata.put("model", run.model());
			}
		});
		return metadata;
	}

	// ---- helpers
	// -------------------------------------------------------------------------

	Optional<Chat> lock(String chatId) {
		return this.jdbc.query("select * from chat where id = ? for update", (rs, n) -> Chat.of(rs), chatId)
			.stream()
			.findFirst();
	}

	Optional<Chat> find(String chatId) {
		return this.jdbc.query("select * from chat where id = ?", (rs, n) -> Chat.of(rs), chatId).stream().findFirst();
	}

	private boolean isParticipant(String chatId, String userId) {
		Integer found = this.jdbc.queryForObject(
				"select count(*) from chat_participant where chat_id = ? and user_id = ?", Integer.class, chatId,
				userId);
		return found != null && found > 0;
	}

}
