package crewship.mission;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

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
import crewship.platform.testing.TestIdentities;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fresh workspace with an OWNER, and the other services' events the journal feeds on,
 * published on their real topics. Every HTTP client validates 2xx bodies against the
 * reference schema.
 */
@ServiceTest
public abstract class JournalTestSupport {

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

	protected TestHttp http;

	protected String workspaceId;

	protected String ownerId;

	protected TestHttp owner;

	@BeforeEach
	void newWorkspace() {
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.workspaceId = Cuid.next();
		this.ownerId = Cuid.next();
		member(this.workspaceId, this.ownerId, WorkspaceRole.OWNER);
		this.owner = as(this.ownerId);
	}

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

	protected TestHttp newMember(WorkspaceRole role) {
		String user = Cuid.next();
		member(this.workspaceId, user, role);
		return as(user);
	}

	protected TestHttp as(String userId) {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.session(userId, "s-" + userId));
	}

	/** A path in this test's workspace. */
	protected String ws(String path) {
		return path + (path.contains("?") ? "&" : "?") + "workspace_id=" + this.workspaceId;
	}

	/**
	 * Publishes an envelope of this workspace as another service's outbox relay would.
	 */
	protected EventEnvelope publish(String producer, String type, String subject, Map<String, ?> data) {
		return publish(Topics.domain(producer), subject, type, this.workspaceId, subject, data);
	}

	protected EventEnvelope publish(String topic, String key, String type, String workspaceId, String subject,
			Object data) {
		EventEnvelope event = new EventEnvelope(Cuid.next(), type, workspaceId, subject, this.ownerId, Timestamps.now(),
				this.json.valueToTree(data));
		send(topic, key, event);
		return event;
	}

	protected void send(String topic, String key, EventEnvelope event) {
		this.kafka.send(topic, key, this.json.writeValueAsString(event)).join();
	}

	/** Waits until the journal holds an entry of the event. */
	protected String journaled(EventEnvelope event) {
		await("event " + event.type() + " journaled", () -> entryOf(event) != null);
		return entryOf(event);
	}

	protected String entryOf(EventEnvelope event) {
		return this.jdbc.queryForList("select id from journal_entry where event_id = ?", String.class, event.id())
			.stream()
			.findFirst()
			.orElse(null);
	}

	protected static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
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

	protected static Map<String, Object> map(Object... pairs) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			map.put((String) pairs[i], pairs[i + 1]);
		}
		return map;
	}

}
