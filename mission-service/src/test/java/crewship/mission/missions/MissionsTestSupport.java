package crewship.mission.missions;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.agents.AgentProfile;
import crewship.mission.agents.AgentProfiles;
import crewship.mission.missions.crews.MissionCrews;
import crewship.mission.runs.RunFinished;
import crewship.mission.runs.RunStatus;
import crewship.mission.runs.Trigger;
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
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh workspace with an OWNER, a crew with a LEAD agent, announced as crew-service
 * and auth-service announce them, and helpers to drive missions over HTTP (every 2xx body
 * validated against the reference schema).
 */
@ServiceTest
@Import(StandInEngine.class)
abstract class MissionsTestSupport {

	static final String CREW_TOPIC = Topics.domain("crew");

	static final String MISSION_TOPIC = Topics.domain("mission");

	private static final AtomicLong VERSIONS = new AtomicLong(System.currentTimeMillis());

	@LocalServerPort
	protected int port;

	@Autowired
	protected KafkaTemplate<String, String> kafka;

	@Autowired
	protected MembershipReplica replica;

	@Autowired
	protected JsonMapper json;

	@Autowired
	protected JdbcTemplate jdbc;

	@Autowired
	protected AgentProfiles agents;

	@Autowired
	protected MissionCrews crews;

	@Autowired
	protected ApplicationEventPublisher publisher;

	@Autowired
	protected PlatformTransactionManager transactionManager;

	@Autowired(required = false)
	protected StandInEngine.Runs runs;

	protected TestHttp http;

	protected String workspaceId;

	protected String ownerId;

	protected TestHttp owner;

	protected Crew crew;

	@BeforeEach
	void newWorkspace() {
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.workspaceId = Cuid.next();
		this.ownerId = Cuid.next();
		member(this.ownerId, WorkspaceRole.OWNER);
		this.owner = as(this.ownerId);
		this.crew = crew();
	}

	protected void member(String userId, WorkspaceRole role) {
		long version = VERSIONS.incrementAndGet();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("workspace_id", this.workspaceId);
		data.put("user_id", userId);
		data.put("role", role.name());
		data.put("version", version);
		data.put("capabilities", List.of());
		publish(Topics.MEMBERSHIPS, Membership.key(this.workspaceId, userId), Membership.CHANGED, userId, data);
		await("membership replicated",
				() -> this.replica.find(this.workspaceId, userId)
					.filter(known -> known.version() == version)
					.isPresent());
	}

	protected TestHttp as(String userId) {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.session(userId, "s-" + userId));
	}

	protected TestHttp newMember(WorkspaceRole role) {
		String user = Cuid.next();
		member(user, role);
		return as(user);
	}

	/** A path in this test's workspace. */
	protected String ws(String path) {
		return path + (path.contains("?") ? "&" : "?") + "workspace_id=" + this.workspaceId;
	}

	/** A crew and its LEAD agent. */
	protected record Crew(String id, String slug, String leadId) {
	}

	protected Crew crew() {
		String crewId = Cuid.next();
		String slug = "crew-" + crewId.substring(crewId.length() - 8);
		Map<String, Object> crew = new LinkedHashMap<>();
		crew.put("id", crewId);
		crew.put("name", "Crew " + slug);
		crew.put("slug", slug);
		publish(CREW_TOPIC, crewId, "crew.created", crewId, crew);
		String leadId = agent(crewId, "Lead " + slug, "LEAD");
		await("crew projected", () -> this.crews.known(this.workspaceId, slug).isPresent());
		return new Crew(crewId, slug, leadId);
	}

	/**
	 * An agent of the crew, as crew-service announces it, once mission-service knows it.
	 */
	protected String agent(String crewId, String name, String role) {
		String agentId = Cuid.next();
		String slug = "agent-" + agentId.substring(agentId.length() - 8);
		Map<String, Object> agent = new LinkedHashMap<>();
		agent.put("id", agentId);
		agent.put("crew_id", crewId);
		agent.put("name", name);
		agent.put("slug", slug);
		agent.put("status", "IDLE");
		agent.put("ephemeral", false);
		agent.put("agent_role", role);
		publish(CREW_TOPIC, agentId, "agent.created", agentId, agent);
		if (this.agents instanceof StandInEngine.Agents standIn) {
			standIn.put(new AgentProfile(agentId, this.workspaceId, crewId, name, slug, role, "IDLE", null, null, null,
					null, List.of()));
		}
		await("agent projected", () -> this.agents.find(this.workspaceId, agentId).isPresent());
		return agentId;
	}

	protected EventEnvelope publish(String topic, String key, String type, String subject, Object data) {
		EventEnvelope event = new EventEnvelope(Cuid.next(), type, this.workspaceId, subject, "test", Timestamps.now(),
				this.json.valueToTree(data));
		this.kafka.send(topic, key, this.json.writeValueAsString(event)).join();
		return event;
	}

	// --- missions

	protected String missions() {
		return "/api/v1/crews/" + this.crew.id() + "/missions";
	}

	protected String mission(String missionId) {
		return missions() + "/" + missionId;
	}

	protected JsonNode createMission(String title) {
		Response created = this.owner.postJson(ws(missions()), "{\"title\":\"" + title
				+ "\",\"description\":\"Why it matters\",\"lead_agent_id\":\"" + this.crew.leadId() + "\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json();
	}

	protected JsonNode task(String missionId, String title, String... dependsOn) {
		String deps = String.join(",", java.util.Arrays.stream(dependsOn).map(id -> "\"" + id + "\"").toList());
		Response created = this.owner.postJson(ws(mission(missionId) + "/tasks"),
				"{\"title\":\"" + title + "\",\"description\":\"Do " + title + "\",\"depends_on\":[" + deps + "]}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json();
	}

	protected JsonNode get(String missionId) {
		Response got = this.owner.get(ws(mission(missionId)));
		assertThat(got.status()).as(got.body()).isEqualTo(200);
		return got.json();
	}

	protected String status(String missionId) {
		return get(missionId).get("status").asString();
	}

	protected JsonNode taskOf(String missionId, String taskId) {
		return get(missionId).get("tasks")
			.valueStream()
			.filter(task -> task.get("id").asString().equals(taskId))
			.findFirst()
			.orElseThrow();
	}

	protected Response post(String path) {
		return this.owner.postJson(ws(path), "{}");
	}

	protected static Response patch(TestHttp http, String path, String body) {
		return http.send("PATCH", path, "application/json", body);
	}

	/** Ends a run as the engine does: RunFinished inside the terminal transaction. */
	protected void finish(String runId, String missionId, String taskId, RunStatus status, String output) {
		new TransactionTemplate(this.transactionManager)
			.executeWithoutResult(tx -> this.publisher.publishEvent(new RunFinished(runId, this.workspaceId,
					this.crew.leadId(), this.crew.id(), Trigger.MISSION, missionId, taskId, null, null, status, output,
					(status == RunStatus.COMPLETED) ? null : "the agent gave up", Instant.now())));
	}

	protected static void assertProblem(Response response, int status, String detailContains) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("detail").asString()).contains(detailContains);
	}

	/**
	 * The events on the mission topic with this key, once at least {@code count} arrived.
	 */
	protected List<JsonNode> events(String key, int count) {
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(MISSION_TOPIC,
				read -> read.stream().filter(r -> key.equals(r.key())).count() >= count, Duration.ofSeconds(30));
		return records.stream().filter(r -> key.equals(r.key())).map(r -> this.json.readTree(r.value())).toList();
	}

	protected static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}
