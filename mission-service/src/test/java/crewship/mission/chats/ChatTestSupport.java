package crewship.mission.chats;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import crewship.mission.agents.AgentProfile;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.Membership;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.ServiceTest;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh workspace with an OWNER and an agent, and helpers to chat in it: over HTTP
 * (every 2xx answer validated against the reference schema) and as realtime-service does,
 * with commands on {@code crewship.realtime.v1}; the session's frames are read back from
 * {@code crewship.mission.v1}.
 */
@ServiceTest
abstract class ChatTestSupport {

	static final String MISSION_TOPIC = Topics.domain("mission");

	static final Duration WAIT = Duration.ofSeconds(20);

	private static final AtomicLong VERSIONS = new AtomicLong(System.currentTimeMillis());

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	MembershipReplica replica;

	@Autowired
	JsonMapper json;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	StandInEngine engine;

	TestHttp http;

	String workspaceId;

	String ownerId;

	TestHttp owner;

	String agentId;

	@BeforeEach
	void newWorkspace() {
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.workspaceId = Cuid.next();
		this.ownerId = Cuid.next();
		member(this.workspaceId, this.ownerId, WorkspaceRole.OWNER);
		this.owner = as(this.ownerId);
		this.agentId = agent("Viktor");
	}

	/** An agent of this workspace, as the engine's projection knows it. */
	String agent(String name) {
		String id = Cuid.next();
		this.engine.agent(new AgentProfile(id, this.workspaceId, Cuid.next(), name, name.toLowerCase() + "-" + id,
				"WORKER", "IDLE", null, null, null, null, List.of()));
		return id;
	}

	void member(String workspaceId, String userId, WorkspaceRole role) {
		long version = VERSIONS.incrementAndGet();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("workspace_id", workspaceId);
		data.put("user_id", userId);
		data.put("role", role.name());
		data.put("version", version);
		data.put("capabilities", List.of());
		publish(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId), Membership.CHANGED, workspaceId, userId, data);
		await("membership replicated",
				() -> this.replica.find(workspaceId, userId).filter(m -> m.version() == version).isPresent());
	}

	String newMember(WorkspaceRole role) {
		String user = Cuid.next();
		member(this.workspaceId, user, role);
		return user;
	}

	TestHttp as(String userId) {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.session(userId, "s-" + userId));
	}

	String ws(String path) {
		return path + (path.contains("?") ? "&" : "?") + "workspace_id=" + this.workspaceId;
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
	 * The session frames of a chat on crewship.mission.v1 (ephemeral and outbox alike),
	 * once {@code done} holds.
	 */
	List<EventEnvelope> frames(String chatId, Predicate<List<EventEnvelope>> done) {
		List<EventEnvelope> found = new java.util.ArrayList<>();
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

	/** The run the engine got for the chat, once it got one more than {@code before}. */
	StandInEngine.Submitted awaitRun(String chatId, int before) {
		await("a run for the chat", () -> runsOf(chatId).size() > before);
		return runsOf(chatId).get(before);
	}

	List<StandInEngine.Submitted> runsOf(String chatId) {
		return this.engine.submitted.stream().filter(s -> chatId.equals(s.run().chatId())).toList();
	}

	JsonNode messages(String chatId) {
		return this.owner.get("/api/v1/chats/" + chatId + "/messages").json().get("messages");
	}

	void publish(String topic, String key, String type, String workspaceId, String subject, Object data) {
		EventEnvelope event = new EventEnvelope(Cuid.next(), type, workspaceId, subject, "test", Timestamps.now(),
				this.json.valueToTree(data));
		this.kafka.send(topic, key, this.json.writeValueAsString(event)).join();
	}

	static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out waiting: " + what);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

}
