package crewship.realtime.chat;

import reactor.core.publisher.Mono;

import org.springframework.kafka.core.KafkaTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.realtime.channels.Channel;
import crewship.realtime.channels.ChannelAccess;
import crewship.realtime.sessions.ClientFrame;
import crewship.realtime.sessions.Connection;
import crewship.realtime.sessions.ServerFrame;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code send_message} and {@code cancel_message}: realtime-service does not run chats,
 * it hands them to the chat's owner (mission-service) on {@code crewship.realtime.v1},
 * keyed by the chat id so one chat's commands stay in order. The answer streams back as
 * events on {@code session:{chatId}}; a refusal is an error addressed to that session.
 */
public class ChatCommands {

	public static final String SEND = "send_message";

	public static final String CANCEL = "cancel_message";

	private final ChannelAccess access;

	private final KafkaTemplate<String, String> kafka;

	private final JsonMapper json;

	public ChatCommands(ChannelAccess access, KafkaTemplate<String, String> kafka, JsonMapper json) {
		this.access = access;
		this.kafka = kafka;
		this.json = json;
	}

	public Mono<Void> handle(Connection connection, ClientFrame frame) {
		String sessionId = text(frame.payload(), "session_id");
		if (sessionId == null && frame.channel() != null && frame.channel().startsWith(Channel.SESSION + ":")) {
			sessionId = frame.channel().substring(Channel.SESSION.length() + 1);
		}
		if (sessionId == null || Channel.parse(Channel.name(Channel.SESSION, sessionId)).isEmpty()) {
			return reply(connection, ServerFrame.error(frame.channel(), frame.type() + " needs payload.session_id"));
		}
		// addressed to the session in the payload, whatever channel the frame named
		String channel = Channel.name(Channel.SESSION, sessionId);
		if (SEND.equals(frame.type()) && (text(frame.payload(), "content") == null)) {
			return reply(connection, ServerFrame.error(channel, "send_message needs payload.content"));
		}
		String chatId = sessionId;
		return this.access.check(connection.caller(), new Channel(Channel.SESSION, sessionId))
			.flatMap(decision -> decision.granted() ? publish(connection, frame, chatId, decision.workspaceId())
					: reply(connection, ServerFrame.error(channel, decision.reason())));
	}

	private Mono<Void> publish(Connection connection, ClientFrame frame, String chatId, String workspaceId) {
		EventEnvelope command = new EventEnvelope(Cuid.next(), frame.type(), workspaceId, chatId,
				connection.caller().subject(), Timestamps.now(), frame.payload());
		return Mono.fromFuture(() -> this.kafka.send(Topics.REALTIME, chatId, this.json.writeValueAsString(command)))
			.then()
			.onErrorResume(ex -> reply(connection,
					ServerFrame.error(Channel.name(Channel.SESSION, chatId), "chat handler unavailable")));
	}

	private Mono<Void> reply(Connection connection, ServerFrame frame) {
		connection.offer(this.json.writeValueAsString(frame));
		return Mono.empty();
	}

	private static String text(JsonNode payload, String field) {
		if (payload == null || !payload.isObject()) {
			return null;
		}
		JsonNode value = payload.get(field);
		return (value != null && value.isString() && !value.asString().isBlank()) ? value.asString() : null;
	}

}
