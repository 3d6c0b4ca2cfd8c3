package crewship.realtime.sessions;

import java.util.Optional;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.reactive.ReactiveIdentityFilter;
import crewship.realtime.RealtimeProperties;
import crewship.realtime.auth.WsAuthenticator;
import crewship.realtime.auth.WsAuthenticator.Verdict;
import crewship.realtime.channels.Channel;
import crewship.realtime.channels.ChannelAccess;
import crewship.realtime.chat.ChatCommands;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * One socket's life: authenticated at the handshake (the gateway's verdict on
 * {@code ?token=}) or by the first message; then {@code subscribe}, {@code unsubscribe},
 * {@code ping}, chat commands; server pings every 30 s; its session re-checked every few
 * seconds, so a revoked session's socket closes within seconds. Frames are handled one at
 * a time, in order.
 */
public class RealtimeHandler implements WebSocketHandler {

	private static final Logger log = LoggerFactory.getLogger(RealtimeHandler.class);

	/** Bounds what one socket may hold; the page names no number. */
	static final int MAX_SUBSCRIPTIONS = 200;

	private final RealtimeProperties properties;

	private final WsAuthenticator authenticator;

	private final ChannelAccess access;

	private final Subscribers subscribers;

	private final ChatCommands chat;

	private final JsonMapper json;

	public RealtimeHandler(RealtimeProperties properties, WsAuthenticator authenticator, ChannelAccess access,
			Subscribers subscribers, ChatCommands chat, JsonMapper json) {
		this.properties = properties;
		this.authenticator = authenticator;
		this.access = access;
		this.subscribers = subscribers;
		this.chat = chat;
		this.json = json;
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		Connection connection = new Connection(session, this.properties.sendBuffer());
		// Only a WebSocket token at the handshake authenticates the socket; a session
		// cookie or CLI token the gateway saw must still send the token message.
		Object handshake = session.getAttributes().get(ReactiveIdentityFilter.ATTRIBUTE);
		if (handshake instanceof IdentityAssertion caller && caller.method() == AuthMethod.WS
				&& caller.isAuthenticated()) {
			connection.authenticate(caller);
		}
		Mono<Void> input = session.receive()
			.map(WebSocketMessage::getPayloadAsText)
			.concatMap(text -> onFrame(connection, text))
			.then()
			.onErrorResume(ex -> {
				log.debug("Socket {} ended: {}", session.getId(), ex.getMessage());
				// a frame above the cap: say so (1009) rather than a normal close
				return session.close(tooBig(ex) ? CloseStatus.TOO_BIG_TO_PROCESS : CloseStatus.PROTOCOL_ERROR);
			});
		Flux<WebSocketMessage> pings = Flux.interval(this.properties.pingInterval(), this.properties.pingInterval())
			.map(tick -> session.pingMessage(buffers -> buffers.wrap(new byte[0])));
		Mono<Void> output = session.send(Flux.merge(connection.outbound().map(session::textMessage), pings));
		Mono<Void> authDeadline = Mono.delay(this.properties.authTimeout())
			.filter(tick -> connection.caller() == null)
			.doOnNext(tick -> connection.close(CloseStatus.POLICY_VIOLATION.withReason("authentication required")))
			.then();
		Mono<Void> revocation = Flux.interval(this.properties.sessionRecheck())
			.filter(tick -> connection.caller() != null)
			.concatMap(tick -> this.authenticator.live(connection.caller()))
			.filter(result -> result.verdict() == Verdict.INVALID)
			.next()
			.doOnNext(result -> connection.close(CloseStatus.POLICY_VIOLATION.withReason("session revoked")))
			.then();
		return Mono.firstWithSignal(input, output, Mono.when(authDeadline, revocation).then(Mono.never()))
			.doFinally(signal -> this.subscribers.removeAll(connection));
	}

	private static boolean tooBig(Throwable ex) {
		return ex instanceof TooLongFrameException || (ex instanceof CorruptedWebSocketFrameException corrupted
				&& corrupted.closeStatus().code() == CloseStatus.TOO_BIG_TO_PROCESS.getCode());
	}

	private Mono<Void> onFrame(Connection connection, String text) {
		Optional<ClientFrame> parsed = parse(text);
		if (connection.caller() == null) {
			return authenticate(connection, parsed.orElse(null));
		}
		if (parsed.isEmpty() || parsed.get().type() == null) {
			return reply(connection, ServerFrame.error("", "invalid message"));
		}
		ClientFrame frame = parsed.get();
		return switch (frame.type()) {
			case "auth" -> Mono.empty(); // already authenticated
			case "subscribe" -> subscribe(connection, frame.channel());
			case "unsubscribe" -> unsubscribe(connection, frame.channel());
			case "ping" -> reply(connection, ServerFrame.PONG);
			case ChatCommands.SEND, ChatCommands.CANCEL -> this.chat.handle(connection, frame);
			default -> reply(connection, ServerFrame.error("", "unknown message type: " + frame.type()));
		};
	}

	private Mono<Void> authenticate(Connection connection, ClientFrame frame) {
		if (frame == null || !"auth".equals(frame.type())) {
			connection.close(CloseStatus.POLICY_VIOLATION.withReason("authentication required"));
			return Mono.empty();
		}
		return this.authenticator.firstMessage(frame.token()).doOnNext(result -> {
			switch (result.verdict()) {
				case VALID -> connection.authenticate(result.caller());
				case INVALID ->
					connection.close(CloseStatus.POLICY_VIOLATION.withReason("invalid, expired or revoked token"));
				case UNAVAILABLE -> connection
					.close(CloseStatus.SERVICE_OVERLOAD.withReason("authentication unavailable; retry shortly"));
			}
		}).then();
	}

	private Mono<Void> subscribe(Connection connection, String name) {
		Optional<Channel> channel = Channel.parse(name);
		if (channel.isEmpty()) {
			return reply(connection, ServerFrame.error(name, "invalid channel"));
		}
		if (connection.channels().size() >= MAX_SUBSCRIPTIONS && !connection.channels().contains(name)) {
			return reply(connection, ServerFrame.error(name, "too many subscriptions"));
		}
		return this.access.check(connection.caller(), channel.get()).flatMap(decision -> {
			if (!decision.granted()) {
				return reply(connection, ServerFrame.error(name, decision.reason()));
			}
			this.subscribers.add(channel.get().name(), connection);
			return Mono.empty();
		});
	}

	private Mono<Void> unsubscribe(Connection connection, String name) {
		if (name != null) {
			this.subscribers.remove(name, connection);
		}
		return Mono.empty();
	}

	private Optional<ClientFrame> parse(String text) {
		try {
			return Optional.ofNullable(this.json.readValue(text, ClientFrame.class));
		}
		catch (JacksonException ex) {
			return Optional.empty();
		}
	}

	private Mono<Void> reply(Connection connection, ServerFrame frame) {
		connection.offer(this.json.writeValueAsString(frame));
		return Mono.empty();
	}

}
