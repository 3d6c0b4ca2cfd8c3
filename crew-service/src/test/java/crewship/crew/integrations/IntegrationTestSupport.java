package crewship.crew.integrations;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

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
 * A fresh workspace with an OWNER, and helpers to act in it over HTTP with every answer's
 * body checked against the reference document ({@link TestHttp#validating()}).
 * Memberships reach crew-service as events on {@code crewship.memberships.v1}, as in a
 * deployment. The same {@code @ServiceTest} context as every crew-service test.
 */
@ServiceTest
public abstract class IntegrationTestSupport {

	protected static final String CREW_TOPIC = Topics.domain("crew");

	private static final AtomicLong VERSIONS = new AtomicLong(System.currentTimeMillis() * 10);

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

	protected TestHttp http;

	protected String workspaceId;

	protected String ownerId;

	protected TestHttp owner;

	/** The owner without the shape check, for set-up calls of other features. */
	protected TestHttp ownerUnchecked;

	@BeforeEach
	void newWorkspace() {
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.workspaceId = Cuid.next();
		this.ownerId = Cuid.next();
		member(this.workspaceId, this.ownerId, WorkspaceRole.OWNER);
		this.owner = as(this.ownerId);
		this.ownerUnchecked = new TestHttp("http://localhost:" + this.port).withHeader(IdentityAssertion.HEADER,
				TestIdentities.session(this.ownerId, "s-" + this.ownerId));
		FakeVault.down.set(false);
	}

	protected void member(String workspaceId, String userId, WorkspaceRole role, String... capabilities) {
		Membership membership = new Membership(workspaceId, userId, role, VERSIONS.incrementAndGet(),
				List.of(capabilities));
		EventEnvelope event = new EventEnvelope(Cuid.next(), Membership.CHANGED, workspaceId, userId, "auth-test",
				Timestamps.now(), this.json.valueToTree(membership));
		this.kafka.send(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId), this.json.writeValueAsString(event))
			.join();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (this.replica.find(workspaceId, userId)
			.filter(known -> known.version() == membership.version())
			.isEmpty()) {
			assertThat(System.nanoTime()).as("membership replicated").isLessThan(deadline);
			sleep(50);
		}
	}

	/** A new member of this test's workspace with the role. */
	protected TestHttp newMember(WorkspaceRole role, String... capabilities) {
		String user = Cuid.next();
		member(this.workspaceId, user, role, capabilities);
		return as(user);
	}

	protected TestHttp as(String userId) {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.session(userId, "s-" + userId));
	}

	protected TestHttp anonymous() {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.anonymous());
	}

	/** A path in this test's workspace. */
	protected String ws(String path) {
		return path + (path.contains("?") ? "&" : "?") + "workspace_id=" + this.workspaceId;
	}

	protected static Response patch(TestHttp http, String path, String body) {
		return http.send("PATCH", path, "application/json", body);
	}

	protected static Response put(TestHttp http, String path, String body) {
		return http.send("PUT", path, "application/json", body);
	}

	protected static Response created(Response response) {
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response;
	}

	protected static Response ok(Response response) {
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response;
	}

	/** Creates a crew and returns its id. */
	protected String crew(String slug) {
		return created(this.ownerUnchecked.postJson(ws("/api/v1/crews"),
				"{\"name\":\"Crew " + slug + "\",\"slug\":\"" + slug + "\"}"))
			.json()
			.get("id")
			.asString();
	}

	/** Creates an agent in the crew and returns its id. */
	protected String agent(String crewId, String slug) {
		return created(this.ownerUnchecked.postJson(ws("/api/v1/agents"),
				"{\"name\":\"Agent " + slug + "\",\"slug\":\"" + slug + "\",\"crew_id\":\"" + crewId + "\"}"))
			.json()
			.get("id")
			.asString();
	}

	/** Creates a workspace integration from a JSON body and returns its id. */
	protected String workspaceServer(String body) {
		return created(this.owner.postJson(ws("/api/v1/integrations"), body)).json().get("id").asString();
	}

	protected static String slug(String prefix) {
		return prefix + "-" + Cuid.next().substring(13);
	}

	protected static void assertProblem(Response response, int status, String detailContains) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("detail").asString()).contains(detailContains);
	}

	/**
	 * The events on the crew topic about the subject, once at least {@code count}
	 * arrived.
	 */
	protected List<JsonNode> events(String subject, int count) {
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(CREW_TOPIC,
				read -> read.stream().filter(r -> subject.equals(r.key())).count() >= count, Duration.ofSeconds(30));
		return records.stream().filter(r -> subject.equals(r.key())).map(r -> this.json.readTree(r.value())).toList();
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
