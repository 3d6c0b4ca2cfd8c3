package crewship.realtime;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.Membership;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;
import crewship.platform.testing.WsClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code /ws} end to end in one service: real sockets, the real Kafka broker for events
 * and memberships, and {@link AuthServiceStandIn} for auth-service's keys and sessions.
 */
class RealtimeWebSocketTests extends RealtimeTestSupport {

	static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	JsonMapper json;

	String url() {
		return "ws://localhost:" + this.port + "/ws";
	}

	/** A signed-in user on a live session, connected with a handshake-verified token. */
	WsClient connectAs(String userId) {
		String sessionId = "sess-" + userId;
		AuthServiceStandIn.live(sessionId, userId);
		return WsClient.connect(url(), IdentityAssertion.HEADER,
				TestIdentities.sign(new IdentityAssertion(userId, AuthMethod.WS, sessionId, null)));
	}

	static String id(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	void member(String workspaceId, String userId) {
		Membership membership = new Membership(workspaceId, userId, WorkspaceRole.MEMBER, 1);
		publish(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId),
				new EventEnvelope(Cuid.next(), Membership.CHANGED, workspaceId, workspaceId, "test", Timestamps.now(),
						this.json.valueToTree(membership)));
	}

	void publish(String topic, String key, EventEnvelope event) {
		this.kafka.send(topic, key, this.json.writeValueAsString(event)).join();
	}

	/** Subscribes once the membership has reached this replica. */
	void subscribe(WsClient client, String channel) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		List<JsonNode> errors;
		do {
			errors = client.roundTrip("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
			if (errors.isEmpty()) {
				return;
			}
			Thread.sleep(300);
		}
		while (System.nanoTime() < deadline);
		throw new AssertionError("subscribe " + channel + " refused: " + errors);
	}

	/**
	 * Publishes until the client receives it: the replica's consumer starts at the latest
	 * offset once its partitions are assigned.
	 */
	JsonNode publishUntilReceived(WsClient client, String topic, EventEnvelope event) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			publish(topic, event.subject(), event);
			JsonNode frame = client.next(event.type(), Duration.ofSeconds(2));
			if (frame != null) {
				return frame;
			}
		}
		throw new AssertionError("never received " + event.type());
	}

	EventEnvelope event(String type, String workspaceId, String subject, String data) {
		return new EventEnvelope(Cuid.next(), type, workspaceId, subject, "someone", Timestamps.now(),
				this.json.readTree(data));
	}

	@Test
	void subscribePingUnsubscribeAndErrorFrames() throws Exception {
		String user = id("user");
		String workspace = id("ws");
		member(workspace, user);
		WsClient client = connectAs(user);
		subscribe(client, "workspace:" + workspace);

		List<JsonNode> errors = client.roundTrip("{not json", "{\"type\":\"dance\"}",
				"{\"type\":\"subscribe\",\"channel\":\"workspace:" + id("foreign") + "\"}",
				"{\"type\":\"subscribe\",\"channel\":\"crew:" + id("unseen") + "\"}",
				"{\"type\":\"subscribe\",\"channel\":\"nonsense\"}",
				"{\"type\":\"subscribe\",\"channel\":\"user:" + user + "\"}",
				"{\"type\":\"unsubscribe\",\"channel\":\"workspace:" + workspace + "\"}");
		assertThat(errors).hasSize(5).allSatisfy(frame -> assertThat(frame.get("type").asString()).isEqualTo("error"));
		assertThat(errors.get(0).get("channel").asString()).as("unparsable: unaddressed").isEmpty();
		assertThat(errors.get(0).get("payload").get("error").asString()).isEqualTo("invalid message");
		assertThat(errors.get(1).get("channel").asString()).as("unknown type: unaddressed").isEmpty();
		assertThat(errors.get(2).get("channel").asString()).startsWith("workspace:foreign-");
		assertThat(errors.get(2).get("payload").get("error").asString()).isEqualTo("access denied");
		assertThat(errors.get(2).get("payload").get("message").asString()).isEqualTo("access denied");
		assertThat(errors.get(3).get("payload").get("error").asString()).isEqualTo("access denied");
		assertThat(errors.get(4).get("channel").asString()).isEqualTo("nonsense");

		client.send("{\"type\":\"ping\"}");
		JsonNode pong = client.next("pong", WAIT);
		assertThat(pong.has("payload")).isTrue();
		assertThat(pong.get("payload").isNull()).isTrue();
		assertThat(pong.has("channel")).isFalse();
		client.close();
	}

	@Test
	void anEventReachesItsWorkspaceAndEntitySubscribersOnly() throws Exception {
		String alice = id("alice");
		String bob = id("bob");
		String workspace = id("ws");
		String other = id("ws");
		member(workspace, alice);
		member(other, bob);
		WsClient aliceClient = connectAs(alice);
		WsClient bobClient = connectAs(bob);
		subscribe(aliceClient, "workspace:" + workspace);
		subscribe(bobClient, "workspace:" + other);

		String crewId = id("crew");
		JsonNode frame = publishUntilReceived(aliceClient, "crewship.crew.v1", event("crew.created", workspace, crewId,
				"{\"id\":\"" + crewId + "\",\"name\":\"Eng\",\"slug\":\"eng\"}"));
		assertThat(frame.get("channel").asString()).isEqualTo("workspace:" + workspace);
		assertThat(frame.get("payload").get("id").asString()).isEqualTo(crewId);
		assertThat(frame.get("payload").get("slug").asString()).isEqualTo("eng");
		assertThat(bobClient.roundTrip()).as("another workspace's subscriber").isEmpty();

		// the event taught this replica the crew's workspace: its channel is open to
		// members
		subscribe(aliceClient, "crew:" + crewId);
		assertThat(bobClient.roundTrip("{\"type\":\"subscribe\",\"channel\":\"crew:" + crewId + "\"}")).singleElement()
			.satisfies(error -> assertThat(error.get("channel").asString()).isEqualTo("crew:" + crewId));
		publish("crewship.crew.v1", crewId, event("crew.updated", workspace, crewId, "{\"id\":\"" + crewId + "\"}"));
		JsonNode first = aliceClient.next("crew.updated", WAIT);
		JsonNode second = aliceClient.next("crew.updated", WAIT);
		assertThat(List.of(first.get("channel").asString(), second.get("channel").asString()))
			.containsExactlyInAnyOrder("workspace:" + workspace, "crew:" + crewId);
		aliceClient.close();
		bobClient.close();
	}

	@Test
	void anEntityChannelNoEventReachedIsResolvedByItsOwner() throws Exception {
		String alice = id("alice");
		String bob = id("bob");
		String workspace = id("ws");
		String other = id("ws");
		member(workspace, alice);
		member(other, bob);
		String crewId = id("crew");
		String agentId = id("agent");
		String chatId = id("chat");
		AuthServiceStandIn.entity("crews", crewId, workspace);
		AuthServiceStandIn.entity("agents", agentId, workspace);
		AuthServiceStandIn.entity("chats", chatId, workspace);
		WsClient aliceClient = connectAs(alice);
		WsClient bobClient = connectAs(bob);
		subscribe(bobClient, "workspace:" + other);

		subscribe(aliceClient, "crew:" + crewId);
		subscribe(aliceClient, "files:" + crewId);
		subscribe(aliceClient, "agent:" + agentId);
		// a chat session before any of its events: mission-service answers for it
		subscribe(aliceClient, "session:" + chatId);
		assertThat(bobClient.roundTrip("{\"type\":\"subscribe\",\"channel\":\"crew:" + crewId + "\"}",
				"{\"type\":\"subscribe\",\"channel\":\"agent:" + agentId + "\"}",
				"{\"type\":\"subscribe\",\"channel\":\"session:" + chatId + "\"}"))
			.extracting(error -> error.get("payload").get("error").asString())
			.containsExactly("access denied", "access denied", "access denied");
		// the mapping never changes: asked once, whoever subscribes after
		assertThat(AuthServiceStandIn.lookups("crews", crewId)).isEqualTo(1);
		assertThat(AuthServiceStandIn.lookups("agents", agentId)).isEqualTo(1);
		assertThat(AuthServiceStandIn.lookups("chats", chatId)).isEqualTo(1);

		JsonNode frame = publishUntilReceived(aliceClient, "crewship.crew.v1",
				event("crew.updated", workspace, crewId, "{\"id\":\"" + crewId + "\"}"));
		assertThat(frame.get("channel").asString()).isEqualTo("crew:" + crewId);
		assertThat(frame.get("payload").get("id").asString()).isEqualTo(crewId);
		assertThat(bobClient.roundTrip()).as("a non-member's socket").isEmpty();
		aliceClient.close();
		bobClient.close();
	}

	@Test
	void aChannelNobodyCanResolveIsRefusedNeverGuessed() throws Exception {
		String user = id("user");
		String workspace = id("ws");
		member(workspace, user);
		WsClient client = connectAs(user);
		subscribe(client, "workspace:" + workspace);
		String down = id("crew");
		String slow = id("agent");
		AuthServiceStandIn.entity("crews", down, workspace);
		AuthServiceStandIn.entity("agents", slow, workspace);
		AuthServiceStandIn.failing(down);
		AuthServiceStandIn.hanging(slow);

		List<JsonNode> errors = client.roundTrip("{\"type\":\"subscribe\",\"channel\":\"crew:" + down + "\"}",
				"{\"type\":\"subscribe\",\"channel\":\"agent:" + slow + "\"}",
				"{\"type\":\"subscribe\",\"channel\":\"crew:" + id("gone") + "\"}",
				"{\"type\":\"subscribe\",\"channel\":\"mission:" + id("m") + "\"}",
				"{\"type\":\"subscribe\",\"channel\":\"session:" + id("chat") + "\"}");
		// a mission and a chat session are asked of mission-service (which knows no such
		// mission or chat here)
		assertThat(errors).extracting(error -> error.get("payload").get("error").asString())
			.containsExactly("channel lookup unavailable; retry shortly", "channel lookup unavailable; retry shortly",
					"access denied", "access denied", "access denied");
		assertThat(errors.get(0).get("channel").asString()).isEqualTo("crew:" + down);

		// a failure is not remembered: once the owner answers, the subscribe succeeds
		AuthServiceStandIn.recover(down);
		subscribe(client, "crew:" + down);
		client.close();
	}

	@Test
	void firstMessageAuthWithARealWsToken() throws Exception {
		String user = id("user");
		String session = id("sess");
		String workspace = id("ws");
		member(workspace, user);
		AuthServiceStandIn.live(session, user);
		WsClient client = connectWithWsToken(user, session);
		subscribe(client, "workspace:" + workspace);

		// revoked: the socket closes within seconds
		AuthServiceStandIn.revoke(session);
		assertThat(client.closeCode(WAIT)).isEqualTo(1008);
	}

	/**
	 * auth-service failing to answer on a session (as under a reconnect burst) is asked
	 * again before the socket is turned away: the socket is authenticated, not closed
	 * with 1013; one that never gets an answer is told to come back later.
	 */
	@Test
	void aSessionQuestionThatFailsIsAskedAgainBeforeTheSocketIsTurnedAway() throws Exception {
		String user = id("user");
		String session = id("sess");
		String workspace = id("ws");
		member(workspace, user);
		AuthServiceStandIn.live(session, user);
		AuthServiceStandIn.failSessionLookups(session, 2);
		WsClient client = connectWithWsToken(user, session);
		subscribe(client, "workspace:" + workspace);
		client.close();

		String unanswered = id("sess");
		AuthServiceStandIn.live(unanswered, user);
		AuthServiceStandIn.failSessionLookups(unanswered, Integer.MAX_VALUE);
		WsClient turnedAway = connectWithWsToken(user, unanswered);
		assertThat(turnedAway.closeCode(WAIT)).isEqualTo(1013);
	}

	/**
	 * An anonymous handshake, then the session's WebSocket token as the first message.
	 */
	private WsClient connectWithWsToken(String user, String session) {
		WsClient client = WsClient.connect(url(), IdentityAssertion.HEADER, TestIdentities.anonymous());
		client.send("{\"type\":\"auth\",\"token\":\"" + AuthServiceStandIn.wsToken(user, session) + "\"}");
		return client;
	}

	@Test
	void aMissingOrInvalidTokenCloses() {
		WsClient noAuth = WsClient.connect(url(), IdentityAssertion.HEADER, TestIdentities.anonymous());
		noAuth.send("{\"type\":\"subscribe\",\"channel\":\"providers\"}");
		assertThat(noAuth.closeCode(WAIT)).isEqualTo(1008);

		WsClient forged = WsClient.connect(url(), IdentityAssertion.HEADER, TestIdentities.anonymous());
		forged.send("{\"type\":\"auth\",\"token\":\"" + AuthServiceStandIn.wsToken("u", "no-such-session") + "\"}");
		assertThat(forged.closeCode(WAIT)).isEqualTo(1008);

		// a session cookie at the handshake is no WebSocket token
		WsClient cookie = WsClient.connect(url(), IdentityAssertion.HEADER, TestIdentities.user("u"));
		cookie.send("{\"type\":\"ping\"}");
		assertThat(cookie.closeCode(WAIT)).isEqualTo(1008);
	}

	@Test
	void anOversizeFrameClosesTheSocket() {
		WsClient client = connectAs(id("user"));
		client.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
		assertThat(client.closeCode(WAIT)).isEqualTo(1009);
	}

	@Test
	void aForeignOriginIsRefusedAtTheHandshake() {
		String assertion = TestIdentities.sign(new IdentityAssertion("u", AuthMethod.WS, "s", null));
		assertThatThrownBy(
				() -> WsClient.connect(url(), IdentityAssertion.HEADER, assertion, "Origin", "https://evil.example"))
			.isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(WebSocketHandshakeException.class);
		WsClient.connect(url(), IdentityAssertion.HEADER, assertion, "Origin", "http://localhost:3000").close();
	}

	@Test
	void sendMessageGoesToTheChatOwnerOnTheRealtimeTopic() throws Exception {
		String user = id("user");
		String workspace = id("ws");
		String chat = id("chat");
		member(workspace, user);
		WsClient client = connectAs(user);
		subscribe(client, "workspace:" + workspace);
		// a chat this replica has seen an event of (its workspace is known)
		publishUntilReceived(client, "crewship.mission.v1",
				event("mission.updated", workspace, id("m"), "{\"session_id\":\"" + chat + "\"}"));

		assertThat(client.roundTrip(
				"{\"type\":\"send_message\",\"payload\":{\"session_id\":\"" + chat
						+ "\",\"content\":\"Review the PR\"}}",
				"{\"type\":\"cancel_message\",\"payload\":{\"session_id\":\"" + chat + "\"}}"))
			.isEmpty();
		var records = TestKafka.readUntil(Topics.REALTIME,
				read -> read.stream().filter(r -> chat.equals(r.key())).count() == 2, WAIT);
		List<JsonNode> commands = records.stream()
			.filter(r -> chat.equals(r.key()))
			.map(r -> this.json.readTree(r.value()))
			.toList();
		assertThat(commands).extracting(c -> c.get("type").asString())
			.containsExactly("send_message", "cancel_message");
		assertThat(commands.get(0).get("workspace_id").asString()).isEqualTo(workspace);
		assertThat(commands.get(0).get("actor").asString()).isEqualTo(user);
		assertThat(commands.get(0).get("data").get("content").asString()).isEqualTo("Review the PR");

		String unknown = id("chat");
		assertThat(client.roundTrip(
				"{\"type\":\"send_message\",\"payload\":{\"session_id\":\"" + unknown + "\",\"content\":\"hi\"}}"))
			.singleElement()
			.satisfies(error -> assertThat(error.get("channel").asString()).as("addressed to the payload's session")
				.isEqualTo("session:" + unknown));
		client.close();
	}

}
