package crewship.mission.chats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;

import crewship.mission.MissionTestSupport;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh workspace with an OWNER and an agent (announced as crew-service does), and
 * helpers to chat in it: over HTTP (every 2xx answer validated against the reference
 * schema) and as realtime-service does, with commands on {@code crewship.realtime.v1}.
 * The engine runs the chat's runs on the local runtime; the session's frames are read
 * back from {@code crewship.mission.v1}.
 */
abstract class ChatTestSupport extends MissionTestSupport {

	static final Duration WAIT = Duration.ofSeconds(30);

	String crewId;

	String agentId;

	@BeforeEach
	void newAgent() {
		this.crewId = crew("Crew");
		this.agentId = agent(this.crewId, "Viktor");
	}

	String otherAgent() {
		return agent(this.crewId, "Other");
	}

	String newMemberId(WorkspaceRole role) {
		String user = Cuid.next();
		member(this.workspaceId, user, role);
		return user;
	}

	String chats() {
		return "/api/v1/agents/" + this.agentId + "/chats";
	}

	/** A new chat of the owner's with the agent. */
	String newChat() {
		TestHttp.Response created = this.owner.postJson(ws(chats()), "{\"origin\":\"UI\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	/** A WebSocket command as realtime-service hands it over. @return its envelope id */
	String command(String type, String chatId, String actor, String workspaceId, Map<String, Object> payload) {
		String id = Cuid.next();
		EventEnvelope envelope = new EventEnvelope(id, type, workspaceId, chatId, actor, Timestamps.now(),
				this.json.valueToTree(payload));
		this.kafka.send(Topics.REALTIME, chatId, this.json.writeValueAsString(envelope)).join();
		return id;
	}

	String send(String chatId, String content) {
		return command("send_message", chatId, this.ownerId, this.workspaceId,
				Map.of("session_id", chatId, "content", content));
	}

	/**
	 * The frames and events of a chat on crewship.mission.v1 (keyed by the chat), once
	 * {@code done} holds.
	 */
	List<EventEnvelope> frames(String chatId, Predicate<List<EventEnvelope>> done) {
		List<EventEnvelope> found = new ArrayList<>();
		TestKafka.readUntil(MISSION_TOPIC, records -> {
			found.clear();
			found.addAll(sessionFrames(records, chatId));
			return done.test(found);
		}, WAIT);
		return List.copyOf(found);
	}

	private List<EventEnvelope> sessionFrames(List<ConsumerRecord<String, String>> records, String chatId) {
		return records.stream()
			.filter(r -> chatId.equals(r.key()) && r.value() != null)
			.map(r -> this.json.readValue(r.value(), EventEnvelope.class))
			.toList();
	}

	static boolean hasType(List<EventEnvelope> frames, String type) {
		return frames.stream().anyMatch(f -> type.equals(f.type()));
	}

	static long count(List<EventEnvelope> frames, String type) {
		return frames.stream().filter(f -> type.equals(f.type())).count();
	}

	/** One of the engine's runs, as its table holds it. */
	record ChatRun(String id, String trigger, String prompt, List<JsonNode> conversation, String triggeredBy) {
	}

	/** The chat's runs, oldest first. */
	List<ChatRun> runsOf(String chatId) {
		return this.jdbc.query(
				"select id, trigger, prompt, conversation::text as conversation, triggered_by from run"
						+ " where chat_id = ? order by created_at, id",
				(rs, n) -> new ChatRun(rs.getString("id"), rs.getString("trigger"), rs.getString("prompt"),
						this.json.readTree(rs.getString("conversation")).valueStream().toList(),
						rs.getString("triggered_by")),
				chatId);
	}

	/** The chat's run after {@code before} others, once there is one. */
	TestHttp.Response upload(TestHttp client, String path, String filename, String content) {
		return upload(client, path, filename, "text/plain", content);
	}

	TestHttp.Response upload(TestHttp client, String path, String filename, String contentType, String content) {
		String boundary = "----crewship" + java.util.UUID.randomUUID();
		String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
				+ "\"\r\nContent-Type: " + contentType + "\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
		return client.send("POST", ws(path), "multipart/form-data; boundary=" + boundary, body);
	}

	ChatRun awaitRun(String chatId, int before) {
		await("a run for the chat", () -> runsOf(chatId).size() > before);
		return runsOf(chatId).get(before);
	}

	JsonNode messages(String chatId) {
		return this.owner.get("/api/v1/chats/" + chatId + "/messages").json().get("messages");
	}

}
