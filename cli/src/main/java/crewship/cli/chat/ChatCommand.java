package crewship.cli.chat;

import java.time.Duration;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Failure;
import crewship.cli.Output;
import crewship.cli.Output.Column;
import crewship.cli.Prompts;
import crewship.cli.Refs;
import crewship.cli.live.Live;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Chats with an agent. {@code chat <id>} prints the transcript; {@code chat send} sends a
 * message over {@code /ws} and streams the agent's answer as it is written;
 * {@code --follow} keeps streaming the session.
 */
@Command(name = "chat", description = "Print a chat's transcript; create a chat; send a message and stream the answer.",
		subcommands = { ChatCommand.Create.class, ChatCommand.Send.class, ChatCommand.ListChats.class,
				ChatCommand.Read.class, ChatCommand.Rename.class, ChatCommand.Delete.class })
public class ChatCommand extends CliCommand {

	@Parameters(index = "0", arity = "0..1", paramLabel = "CHAT_ID")
	String chatId;

	@Option(names = "--follow", description = "After the transcript, stream the session live (WebSocket).")
	boolean follow;

	@Option(names = "--idle", paramLabel = "SECONDS", defaultValue = "0",
			description = "With --follow: stop after this long without an event (0: never).")
	int idle;

	@Override
	protected void run() {
		if (this.chatId == null) {
			throw Failure.validation("which chat? 'crewship chat <chat-id>', or 'crewship chat create <agent>'");
		}
		Api api = ctx().workspaceApi();
		JsonNode messages = api.get(Api.path("/api/v1/chats/" + Api.segment(this.chatId) + "/messages", "limit", 500))
			.path("messages");
		if (out().format() == Output.Format.TABLE) {
			for (JsonNode message : messages) {
				out().out()
					.println(out().bold(message.path("role").asString("?") + " · " + message.path("ts").asString("")));
				out().out().println(message.path("content").asString(""));
				out().out().println();
			}
		}
		else {
			out().list(messages, List.of(Column.of("ID", "id")));
		}
		if (this.follow) {
			stream(out(), api, this.chatId, null,
					(this.idle > 0) ? Duration.ofSeconds(this.idle) : Duration.ofDays(3650), false);
		}
	}

	/**
	 * Streams the session's events: the agent's text to stdout as it is written, the rest
	 * (thinking, tool calls, status) as notes on stderr; under a machine format every
	 * event as one JSON line. With {@code untilDone} it stops at the end of the answer.
	 */
	static void stream(Output out, Api api, String chatId, String message, Duration idle, boolean untilDone) {
		String channel = "session:" + chatId;
		try (Live live = Live.connect(api)) {
			live.subscribe(channel);
			if (message != null) {
				ObjectNode frame = Api.object().put("type", "send_message").put("channel", channel);
				frame.set("payload", Api.object().put("session_id", chatId).put("content", message));
				live.send(frame);
			}
			JsonNode event;
			while ((event = live.next(idle)) != null) {
				String type = event.path("type").asString("");
				JsonNode payload = event.path("payload");
				if (type.equals("error") && !event.path("channel").asString(channel).equals(channel)) {
					continue;
				}
				if (out.format().machine()) {
					out.out().println(Api.JSON.writeValueAsString(event));
				}
				else if (type.equals("text")) {
					out.out().print(text(payload));
					out.out().flush();
				}
				else if (!type.equals("done") && !type.equals("result")) {
					out.note("[" + type + "] " + text(payload));
				}
				if (type.equals("error")) {
					throw Failure.general("the agent failed: " + text(payload));
				}
				if (untilDone && (type.equals("done") || type.equals("result"))) {
					if (!out.format().machine()) {
						out.out().println();
					}
					return;
				}
			}
			if (untilDone) {
				throw Failure.general("no answer from the agent within " + idle.toSeconds() + " s");
			}
		}
	}

	private static String text(JsonNode payload) {
		for (String field : List.of("content", "text", "delta", "message", "error")) {
			if (payload.path(field).isString()) {
				return payload.path(field).asString();
			}
		}
		return payload.isMissingNode() ? "" : payload.toString();
	}

	@Command(name = "create", description = "Start a chat with an agent.")
	static class Create extends CliCommand {

		@Parameters(index = "0", paramLabel = "AGENT")
		String agent;

		@Option(names = "--title", description = "The chat's title.")
		String title;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String agentId = Refs.agentId(api, this.agent);
			ObjectNode body = Api.object().put("origin", "CLI");
			if (this.title != null) {
				body.put("title", this.title);
			}
			JsonNode created = api.post("/api/v1/agents/" + Api.segment(agentId) + "/chats", body);
			ObjectNode answer = Api.object().put("id", created.path("id").asString()).put("agent_id", agentId);
			out().done("Chat created: " + created.path("id").asString(), answer);
		}

	}

	@Command(name = "send", description = "Send a message and stream the agent's answer (WebSocket).")
	static class Send extends CliCommand {

		@Parameters(index = "0", paramLabel = "CHAT_ID")
		String chatId;

		@Parameters(index = "1", paramLabel = "MESSAGE")
		String message;

		@Option(names = "--idle", paramLabel = "SECONDS", defaultValue = "300",
				description = "Give up after this long without an event (default ${DEFAULT-VALUE}).")
		int idle;

		@Override
		protected void run() {
			ChatCommand.stream(out(), ctx().workspaceApi(), this.chatId, this.message, Duration.ofSeconds(this.idle),
					true);
		}

	}

	/**
	 * The agent a chat belongs to: {@code --agent} when given, else each agent's chats
	 * are asked until one holds the chat (the reference CLI's walk).
	 */
	static String agentOf(Api api, String chatId, String agent) {
		if (agent != null) {
			return Refs.agentId(api, agent);
		}
		JsonNode agents = api.get(Api.path("/api/v1/agents", "limit", 100));
		for (JsonNode candidate : agents.isArray() ? agents : agents.path("data")) {
			String agentId = candidate.path("id").asString();
			JsonNode chats = api.get(Api.path("/api/v1/agents/" + Api.segment(agentId) + "/chats", "limit", 100));
			for (JsonNode chat : chats) {
				if (chatId.equals(chat.path("id").asString())) {
					return agentId;
				}
			}
		}
		throw Failure.notFound("chat " + chatId + " not found in any agent's recent sessions (pass --agent)");
	}

	static String chatPath(String agentId, String chatId) {
		return "/api/v1/agents/" + Api.segment(agentId) + "/chats/" + Api.segment(chatId);
	}

	@Command(name = "list", description = "List an agent's recent chats, by last activity.")
	static class ListChats extends CliCommand {

		@Parameters(index = "0", paramLabel = "AGENT")
		String agent;

		@Option(names = "--limit", defaultValue = "50", description = "At most this many (1-100).")
		int limit;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String agentId = Refs.agentId(api, this.agent);
			JsonNode chats = api
				.get(Api.path("/api/v1/agents/" + Api.segment(agentId) + "/chats", "limit", this.limit));
			out().list(chats,
					List.of(Column.of("ID", "id"), Column.of("TITLE", "title"), Column.of("STATUS", "status"),
							Column.of("MSGS", "message_count"),
							new Column("UNREAD",
									chat -> (chat.path("unread_count").asInt(0) > 0)
											? String.valueOf(chat.path("unread_count").asInt()) : "-"),
							Column.of("LAST ACTIVITY", "last_activity_at"), Column.of("ORIGIN", "origin")));
		}

	}

	@Command(name = "read", description = "Mark a chat read for you (clears its unread count).")
	static class Read extends CliCommand {

		@Parameters(index = "0", paramLabel = "CHAT_ID")
		String chatId;

		@Option(names = "--agent", paramLabel = "AGENT", description = "The chat's agent (found by default).")
		String agent;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode read = api.put(chatPath(agentOf(api, this.chatId, this.agent), this.chatId) + "/read",
					Api.object());
			out().done("Chat " + this.chatId + " marked read.", read);
		}

	}

	@Command(name = "rename", aliases = "title", description = "Give a chat a title.")
	static class Rename extends CliCommand {

		@Parameters(index = "0", paramLabel = "CHAT_ID")
		String chatId;

		@Parameters(index = "1", paramLabel = "TITLE")
		String title;

		@Option(names = "--agent", paramLabel = "AGENT", description = "The chat's agent (found by default).")
		String agent;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode renamed = api.patch(chatPath(agentOf(api, this.chatId, this.agent), this.chatId),
					Api.object().put("title", this.title));
			String stored = renamed.path("title").asString();
			out().done("Chat " + this.chatId + " renamed to \"" + stored + "\".",
					Api.object().put("id", this.chatId).put("title", stored));
		}

	}

	@Command(name = "delete", description = "Delete a chat, its messages and read cursors.")
	static class Delete extends CliCommand {

		@Parameters(index = "0", paramLabel = "CHAT_ID")
		String chatId;

		@Option(names = "--agent", paramLabel = "AGENT", description = "The chat's agent (found by default).")
		String agent;

		@Option(names = { "-y", "--yes" }, description = "Skip the confirmation prompt.")
		boolean yes;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String agentId = agentOf(api, this.chatId, this.agent);
			Prompts.confirm("Delete chat " + this.chatId + "?", this.yes);
			api.delete(chatPath(agentId, this.chatId));
			out().done("Chat " + this.chatId + " deleted.",
					Api.object().put("chat_id", this.chatId).put("status", "deleted"));
		}

	}

}
