package crewship.issue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import crewship.issue.directory.CrewDirectory;
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
 * A fresh workspace with a named OWNER, and helpers to act in it over HTTP. What
 * issue-service learns from other services reaches it as in a deployment: memberships
 * (with names) on {@code crewship.memberships.v1}, crews and agents on
 * {@code crewship.crew.v1}, runs on {@code crewship.mission.v1} — published here, applied
 * by its listeners. Every HTTP client validates 2xx answers against the reference schema.
 */
@ServiceTest
public abstract class IssueTestSupport {

	static final String ISSUE_TOPIC = Topics.domain("issue");

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
	protected CrewDirectory crews;

	protected TestHttp http;

	protected String workspaceId;

	protected String ownerId;

	protected TestHttp owner;

	@BeforeEach
	void newWorkspace() {
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.workspaceId = Cuid.next();
		this.ownerId = Cuid.next();
		member(this.workspaceId, this.ownerId, WorkspaceRole.OWNER, "Ada Owner");
		this.owner = as(this.ownerId);
	}

	/**
	 * Publishes the membership as auth-service does (with the member's name) and waits
	 * until the replica and the name directory have it.
	 */
	protected void member(String workspaceId, String userId, WorkspaceRole role, String name) {
		long version = VERSIONS.incrementAndGet();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("workspace_id", workspaceId);
		data.put("user_id", userId);
		data.put("role", role.name());
		data.put("version", version);
		data.put("capabilities", List.of());
		data.put("name", name);
		publish(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId), Membership.CHANGED, workspaceId, userId, data);
		await("membership replicated", () -> this.replica.find(workspaceId, userId)
			.filter(known -> known.version() == version)
			.isPresent()
				&& name.equals(this.jdbc
					.queryForList("select name from member_directory where workspace_id = ? and user_id = ?",
							String.class, workspaceId, userId)
					.stream()
					.findFirst()
					.orElse(null)));
	}

	/** A new user with the role in this test's workspace. */
	protected TestHttp newMember(WorkspaceRole role) {
		return as(newMemberId(role));
	}

	/** A new user with the role in this test's workspace; @return its id */
	protected String newMemberId(WorkspaceRole role) {
		String user = Cuid.next();
		member(this.workspaceId, user, role, "Member " + user.substring(user.length() - 4));
		return user;
	}

	protected TestHttp as(String userId) {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.session(userId, "s-" + userId));
	}

	/** A path in this test's workspace. */
	protected String ws(String path) {
		return path + (path.contains("?") ? "&" : "?") + "workspace_id=" + this.workspaceId;
	}

	/**
	 * A crew of this workspace with a LEAD agent, as crew-service's events announce them.
	 */
	protected Crew crew(String prefix) {
		String crewId = Cuid.next();
		String slug = "crew-" + crewId.substring(crewId.length() - 8);
		Map<String, Object> crew = new LinkedHashMap<>();
		crew.put("id", crewId);
		crew.put("name", "Crew " + slug);
		crew.put("slug", slug);
		crew.put("issue_prefix", prefix);
		publish(CREW_TOPIC, crewId, "crew.created", this.workspaceId, crewId, crew);
		String leadId = agent(crewId, "Lead " + slug, "LEAD");
		await("crew and lead projected", () -> this.crews.crew(this.workspaceId, crewId).isPresent()
				&& this.crews.lead(this.workspaceId, crewId).isPresent());
		return new Crew(crewId, slug, leadId);
	}

	/** A crew and its LEAD agent. */
	protected record Crew(String id, String slug, String leadId) {
	}

	/** An agent of the crew, announced on crew-service's topic (not awaited). */
	protected String agent(String crewId, String name, String role) {
		String agentId = Cuid.next();
		Map<String, Object> agent = new LinkedHashMap<>();
		agent.put("id", agentId);
		agent.put("crew_id", crewId);
		agent.put("name", name);
		agent.put("slug", "agent-" + agentId.substring(agentId.length() - 8));
		agent.put("status", "IDLE");
		agent.put("ephemeral", false);
		agent.put("agent_role", role);
		publish(CREW_TOPIC, agentId, "agent.created", this.workspaceId, agentId, agent);
		return agentId;
	}

	/** An agent of the crew, waited for until the directory knows it. */
	protected String projectedAgent(String crewId, String name) {
		String agentId = agent(crewId, name, "AGENT");
		await("agent projected", () -> this.crews.agent(this.workspaceId, agentId).isPresent());
		return agentId;
	}

	/** Publishes an envelope as another service's outbox relay would. */
	protected EventEnvelope publish(String topic, String key, String type, String workspaceId, String subject,
			Object data) {
		EventEnvelope event = new EventEnvelope(Cuid.next(), type, workspaceId, subject, "test", Timestamps.now(),
				this.json.valueToTree(data));
		this.kafka.send(topic, key, this.json.writeValueAsString(event)).join();
		return event;
	}

	/** Creates an issue in the crew and returns it. */
	protected JsonNode issue(Crew crew, String body) {
		Response created = this.owner.postJson(ws("/api/v1/crews/" + crew.id() + "/issues"), body);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json();
	}

	protected JsonNode issue(Crew crew, String title, String extra) {
		return issue(crew, "{\"title\":\"" + title + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
	}

	protected static Response patch(TestHttp http, String path, String body) {
		return http.send("PATCH", path, "application/json", body);
	}

	protected static void assertProblem(Response response, int status, String detailContains) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		JsonNode problem = response.json();
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("detail").asString()).contains(detailContains);
		assertThat(problem.has("instance")).isTrue();
	}

	/**
	 * The events on the issue topic with this record key, once at least {@code count}
	 * arrived.
	 */
	protected List<JsonNode> events(String key, int count) {
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(ISSUE_TOPIC,
				read -> read.stream().filter(r -> key.equals(r.key())).count() >= count, Duration.ofSeconds(30));
		return records.stream().filter(r -> key.equals(r.key())).map(r -> this.json.readTree(r.value())).toList();
	}

	protected static List<String> types(List<JsonNode> events) {
		return events.stream().map(event -> event.get("type").asString()).toList();
	}

	protected static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			sleep(50);
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
