package crewship.crew;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
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
 * A fresh workspace with an OWNER, and helpers to act in it over HTTP. Memberships reach
 * crew-service the way they do in a deployment: as events on
 * {@code crewship.memberships.v1}, applied by its replica listener.
 */
@ServiceTest
abstract class CrewTestSupport {

	static final String CREW_TOPIC = Topics.domain("crew");

	private static final AtomicLong VERSIONS = new AtomicLong(System.currentTimeMillis());

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	MembershipReplica replica;

	@Autowired
	JsonMapper json;

	TestHttp http;

	String workspaceId;

	String ownerId;

	TestHttp owner;

	@BeforeEach
	void newWorkspace() {
		// every 2xx body is checked against the reference schema: clients break on shapes
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.workspaceId = Cuid.next();
		this.ownerId = Cuid.next();
		member(this.workspaceId, this.ownerId, WorkspaceRole.OWNER);
		this.owner = as(this.ownerId);
	}

	/**
	 * Publishes the membership as auth-service does and waits until the replica has it.
	 */
	void member(String workspaceId, String userId, WorkspaceRole role) {
		member(workspaceId, userId, role, List.of());
	}

	/**
	 * The same, with the member's effective capabilities as auth-service resolves them.
	 */
	void member(String workspaceId, String userId, WorkspaceRole role, List<String> capabilities) {
		Membership membership = new Membership(workspaceId, userId, role, VERSIONS.incrementAndGet(), capabilities);
		EventEnvelope event = new EventEnvelope(Cuid.next(), Membership.CHANGED, workspaceId, userId, "auth-test",
				Timestamps.now(), this.json.valueToTree(membership));
		this.kafka.send(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId), this.json.writeValueAsString(event))
			.join();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!this.replica.find(workspaceId, userId)
			.filter(known -> known.version() == membership.version())
			.isPresent()) {
			assertThat(System.nanoTime()).as("membership replicated").isLessThan(deadline);
			sleep(50);
		}
	}

	/** A new user with the role in this test's workspace. */
	TestHttp newMember(WorkspaceRole role) {
		String user = Cuid.next();
		member(this.workspaceId, user, role);
		return as(user);
	}

	TestHttp as(String userId) {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.session(userId, "s-" + userId));
	}

	/** A path in this test's workspace. */
	String ws(String path) {
		return path + (path.contains("?") ? "&" : "?") + "workspace_id=" + this.workspaceId;
	}

	static Response patch(TestHttp http, String path, String body) {
		return http.send("PATCH", path, "application/json", body);
	}

	static Response put(TestHttp http, String path, String body) {
		return http.send("PUT", path, "application/json", body);
	}

	/** Creates a crew and returns its id. */
	String crew(String slug) {
		return crew(slug, "{}");
	}

	/** Creates a crew with extra fields (a JSON object) and returns its id. */
	String crew(String slug, String extra) {
		String body = "{\"name\":\"Crew " + slug + "\",\"slug\":\"" + slug + "\""
				+ (extra.equals("{}") ? "" : "," + extra.substring(1, extra.length() - 1)) + "}";
		Response created = this.owner.postJson(ws("/api/v1/crews"), body);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	static String slug(String prefix) {
		return prefix + "-" + Cuid.next().substring(13);
	}

	static void assertProblem(Response response, int status, String detailContains) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		JsonNode problem = response.json();
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("detail").asString()).contains(detailContains);
		assertThat(problem.has("instance")).isTrue();
	}

	/**
	 * The events on the crew topic about the subject, once at least {@code count}
	 * arrived.
	 */
	List<JsonNode> events(String subject, int count) {
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(CREW_TOPIC,
				read -> read.stream().filter(r -> subject.equals(r.key())).count() >= count, Duration.ofSeconds(30));
		return records.stream().filter(r -> subject.equals(r.key())).map(r -> this.json.readTree(r.value())).toList();
	}

	static List<String> types(List<JsonNode> events) {
		return events.stream().map(event -> event.get("type").asString()).toList();
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
