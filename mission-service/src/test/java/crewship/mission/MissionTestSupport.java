package crewship.mission;

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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.agents.AgentProfiles;
import crewship.mission.runs.NewRun;
import crewship.mission.runs.RunRequests;
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
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared base of mission-service's tests (one Spring context for all of them): a
 * fresh workspace with an OWNER per test, and helpers to act in it. What mission-service
 * learns from other services reaches it as in a deployment — memberships on
 * {@code crewship.memberships.v1}, crews and agents on {@code crewship.crew.v1} (with the
 * engine's optional fields), issues' run requests on {@code crewship.issue.v1}, webhook
 * deliveries on {@code crewship.webhook.deliveries.v1} — published here, applied by its
 * listeners. Every HTTP client validates 2xx answers against the reference schema.
 * <p>
 * The test context's engine (replica {@code test-main}) has a 3 s lease, and caps of 4
 * runs per agent and 20 per workspace
 * ({@code src/test/resources/config/application.yml}). The local runtime answers at once;
 * {@code [[local:slow=MS]]} and {@code [[local:stall]]} in a prompt make it slow or stall
 * until stopped.
 */
@ServiceTest
public abstract class MissionTestSupport {

	protected static final String MISSION_TOPIC = Topics.domain("mission");

	protected static final String CREW_TOPIC = Topics.domain("crew");

	protected static final String ISSUE_TOPIC = Topics.domain("issue");

	protected static final String DELIVERIES_TOPIC = "crewship.webhook.deliveries.v1";

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
	protected AgentProfiles profiles;

	@Autowired
	protected RunRequests runs;

	@Autowired
	protected PlatformTransactionManager transactionManager;

	protected TestHttp http;

	protected String workspaceId;

	protected String ownerId;

	/** The OWNER of this test's workspace, over HTTP. */
	protected TestHttp owner;

	@BeforeEach
	void newWorkspace() {
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.workspaceId = Cuid.next();
		this.ownerId = Cuid.next();
		member(this.workspaceId, this.ownerId, WorkspaceRole.OWNER);
		this.owner = as(this.ownerId);
	}

	/** Publishes the membership as auth-service does and waits until it is replicated. */
	protected void member(String workspaceId, String userId, WorkspaceRole role) {
		long version = VERSIONS.incrementAndGet();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("workspace_id", workspaceId);
		data.put("user_id", userId);
		data.put("role", role.name());
		data.put("version", version);
		data.put("capabilities", List.of());
		publish(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId), Membership.CHANGED, workspaceId, userId, data);
		await("membership replicated",
				() -> this.replica.find(workspaceId, userId).filter(known -> known.version() == version).isPresent());
	}

	/** A new user with the role in this test's workspace, over HTTP. */
	protected TestHttp newMember(WorkspaceRole role) {
		String user = Cuid.next();
		member(this.workspaceId, user, role);
		return as(user);
	}

	protected TestHttp as(String userId) {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.session(userId, "s-" + userId));
	}

	/** The gateway's internal caller, over HTTP. */
	protected TestHttp internal() {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.internal());
	}

	/** A path in this test's workspace. */
	protected String ws(String path) {
		return path + (path.contains("?") ? "&" : "?") + "workspace_id=" + this.workspaceId;
	}

	/** A crew of this workspace, as crew-service announces it. @return its id */
	protected String crew(String name) {
		String crewId = Cuid.next();
		Map<String, Object> crew = new LinkedHashMap<>();
		crew.put("id", crewId);
		crew.put("name", name);
		crew.put("slug", "crew-" + crewId.substring(crewId.length() - 8));
		publish(CREW_TOPIC, crewId, "crew.created", this.workspaceId, crewId, crew);
		return crewId;
	}

	/**
	 * An agent of the crew, announced on crew-service's topic and waited for until
	 * mission-service knows it. @param extra further fields of its event data
	 * ({@code timeout_seconds}, {@code llm_provider}, …)
	 */
	protected String agent(String crewId, String name, Map<String, Object> extra) {
		String agentId = Cuid.next();
		Map<String, Object> agent = new LinkedHashMap<>();
		agent.put("id", agentId);
		agent.put("crew_id", crewId);
		agent.put("name", name);
		agent.put("slug", "agent-" + agentId.substring(agentId.length() - 8));
		agent.put("status", "IDLE");
		agent.put("ephemeral", false);
		agent.put("agent_role", "AGENT");
		agent.putAll(extra);
		publish(CREW_TOPIC, agentId, "agent.created", this.workspaceId, agentId, agent);
		await("agent projected", () -> this.profiles.find(this.workspaceId, agentId).isPresent());
		return agentId;
	}

	protected String agent(String crewId, String name) {
		return agent(crewId, name, Map.of());
	}

	/** Publishes an envelope as another service's outbox relay would. */
	protected EventEnvelope publish(String topic, String key, String type, String workspaceId, String subject,
			Object data) {
		EventEnvelope event = new EventEnvelope(Cuid.next(), type, workspaceId, subject, "test", Timestamps.now(),
				this.json.valueToTree(data));
		this.kafka.send(topic, key, this.json.writeValueAsString(event)).join();
		return event;
	}

	/** Submits a run as another part of mission-service would, in a transaction. */
	protected String submit(NewRun run) {
		return new TransactionTemplate(this.transactionManager).execute(status -> this.runs.submit(run));
	}

	/** Submits a MANUAL run of the agent with this prompt. */
	protected String submit(String agentId, String crewId, String prompt) {
		return submit(new NewRun(this.workspaceId, agentId, crewId, Trigger.MANUAL, prompt, List.of(), null, null, null,
				null, List.of(), null, this.ownerId));
	}

	/** The run's status now (null when it does not exist). */
	protected RunStatus status(String runId) {
		return this.jdbc.queryForList("select status from run where id = ?", String.class, runId)
			.stream()
			.findFirst()
			.map(RunStatus::valueOf)
			.orElse(null);
	}

	/** Waits until the run has the status. */
	protected void awaitStatus(String runId, RunStatus expected) {
		await("run " + runId + " " + expected, () -> status(runId) == expected);
	}

	/** A column of the run's row. */
	protected <T> T column(String runId, String column, Class<T> type) {
		return this.jdbc.queryForObject("select " + column + " from run where id = ?", type, runId);
	}

	/**
	 * The events on mission-service's topic whose record key is the subject, once
	 * {@code done} holds for them.
	 */
	protected List<JsonNode> missionEvents(String subject, Predicate<List<JsonNode>> done) {
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(MISSION_TOPIC,
				read -> done.test(events(read, subject)), Duration.ofSeconds(30));
		return events(records, subject);
	}

	private List<JsonNode> events(List<ConsumerRecord<String, String>> records, String subject) {
		return records.stream()
			.filter(record -> subject.equals(record.key()))
			.map(record -> this.json.readTree(record.value()))
			.toList();
	}

	protected static List<String> types(List<JsonNode> events) {
		return events.stream().map(event -> event.get("type").asString()).toList();
	}

	protected static void await(String what, BooleanSupplier condition) {
		await(what, Duration.ofSeconds(30), condition);
	}

	protected static void await(String what, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			sleep(20);
		}
	}

	protected static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
