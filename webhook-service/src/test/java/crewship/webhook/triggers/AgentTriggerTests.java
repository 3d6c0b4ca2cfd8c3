package crewship.webhook.triggers;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.util.ReflectionTestUtils;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.ServiceTest;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.membership.Membership;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.membership.WorkspaceRole;
import crewship.webhook.crews.AgentCrews;
import crewship.webhook.deliveries.Deliveries;
import crewship.webhook.deliveries.DeliveryAdmission;
import crewship.webhook.deliveries.DeliveryProperties;
import crewship.webhook.deliveries.DeliveryQueue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent trigger against the real database and broker: 202 only once the delivery is
 * on the topic, a repeated signed delivery enqueued once, callers the gateway did not
 * verify for this agent refused, and a broker that cannot take the delivery answered 503
 * with nothing left behind.
 */
@ServiceTest
class AgentTriggerTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JsonMapper json;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	MembershipReplica replica;

	@Autowired
	DeliveryProperties properties;

	@Autowired
	Deliveries deliveries;

	@Autowired
	DeliveryAdmission admission;

	@Autowired
	AgentCrews crews;

	TestHttp http;

	String crewId;

	String agentId;

	@BeforeEach
	void setUp() {
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.crewId = Cuid.next();
		this.agentId = Cuid.next();
		this.workspaceId = Cuid.next();
		// crew-service's event, as the projection would have consumed it
		agentEvent("agent.created", this.agentId, this.crewId, Instant.now());
	}

	String workspaceId;

	private void agentEvent(String type, String agentId, String crewId, Instant time) {
		ObjectNode data = this.json.createObjectNode().put("id", agentId).put("crew_id", crewId);
		this.crews.apply(new EventEnvelope(Cuid.next(), type, this.workspaceId, agentId, "crew-test", time, data));
	}

	@Test
	void signedDeliveryIsAcceptedOnceItIsOnTheTopic() {
		String body = "{\"event\":\"pull_request.opened\",\"source\":\"github\",\"data\":{\"pr_number\":42}}";
		Response response = trigger(verifiedFor(this.agentId), body, "X-Signature", signature());
		assertThat(response.status()).as(response.body()).isEqualTo(202);
		assertThat(response.json().get("status").asString()).isEqualTo("accepted");
		// the record is already committed as queued when the 202 is written
		Map<String, Object> row = this.jdbc.queryForMap(
				"select status, queued_at, crew_id, target_kind from webhook_delivery where target_id = ?",
				this.agentId);
		assertThat(row).containsEntry("status", "QUEUED").containsEntry("crew_id", this.crewId);
		assertThat(this.jdbc.queryForObject("select workspace_id from webhook_delivery where target_id = ?",
				String.class, this.agentId))
			.as("the agent's workspace, from the projection")
			.isEqualTo(this.workspaceId);
		assertThat(row.get("queued_at")).isNotNull();

		List<ConsumerRecord<String, String>> records = recordsFor(this.agentId, 1);
		assertThat(records).hasSize(1);
		JsonNode envelope = this.json.readTree(records.get(0).value());
		assertThat(envelope.get("type").asString()).isEqualTo("webhook.delivery");
		assertThat(envelope.get("subject").asString()).isEqualTo(this.agentId);
		assertThat(envelope.get("data").get("payload").asString()).isEqualTo(body);
		assertThat(envelope.get("data").get("crew_id").asString()).isEqualTo(this.crewId);
		assertThat(envelope.get("data").get("target_kind").asString()).isEqualTo("AGENT");
	}

	@Test
	void theDeliveryRecordCarriesTheTraceOfItsRequest() {
		String traceId = java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(16));
		Response response = trigger(verifiedFor(this.agentId), "{}", "X-Signature", signature(), "traceparent",
				"00-" + traceId + "-00f067aa0ba902b7-01");
		assertThat(response.status()).as(response.body()).isEqualTo(202);

		// mission-service continues this trace for the run the delivery becomes
		var header = recordsFor(this.agentId, 1).get(0).headers().lastHeader("traceparent");
		assertThat(header).as("traceparent header").isNotNull();
		assertThat(new String(header.value(), java.nio.charset.StandardCharsets.US_ASCII))
			.startsWith("00-" + traceId + "-");
	}

	@Test
	void theSameSignedDeliveryIsAcceptedEachTimeAndEnqueuedOnce() {
		String signature = signature();
		String timestamp = Long.toString(System.currentTimeMillis() / 1000);
		String assertion = verifiedFor(this.agentId);
		assertThat(trigger(assertion, "{}", "X-Signature", signature, "X-Timestamp", timestamp).status())
			.isEqualTo(202);
		// a replay cannot buy a second run with a fresh Idempotency-Key or a case change
		Response replay = trigger(assertion, "{}", "X-Signature", signature.toUpperCase(), "X-Timestamp", timestamp,
				"Idempotency-Key", UUID.randomUUID().toString());
		assertThat(replay.status()).as(replay.body()).isEqualTo(202);
		assertThat(replay.json().get("status").asString()).isEqualTo("accepted");
		assertThat(rowsFor(this.agentId)).isEqualTo(1);
		assertThat(recordsFor(this.agentId, 2)).hasSize(1);
	}

	@Test
	void concurrentCopiesOfOneDeliveryAreEnqueuedOnce() throws Exception {
		String signature = signature();
		String assertion = verifiedFor(this.agentId);
		try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<Response>> copies = IntStream.range(0, 8)
				.mapToObj(i -> senders.submit(() -> trigger(assertion, "{}", "X-Signature", signature)))
				.toList();
			for (Future<Response> copy : copies) {
				assertThat(copy.get().status()).as(copy.get().body()).isEqualTo(202);
			}
		}
		assertThat(rowsFor(this.agentId)).isEqualTo(1);
		assertThat(recordsFor(this.agentId, 2)).hasSize(1);
	}

	@Test
	void differentSignaturesAreDifferentDeliveries() {
		String assertion = verifiedFor(this.agentId);
		assertThat(trigger(assertion, "{\"n\":1}", "X-Signature", signature()).status()).isEqualTo(202);
		assertThat(trigger(assertion, "{\"n\":2}", "X-Signature", signature()).status()).isEqualTo(202);
		assertThat(recordsFor(this.agentId, 2)).hasSize(2);
	}

	@Test
	void unsignedDeliveriesDedupOnlyByTheirIdempotencyKey() {
		String assertion = verifiedFor(this.agentId);
		String key = UUID.randomUUID().toString();
		assertThat(trigger(assertion, "{}", "Idempotency-Key", key).status()).isEqualTo(202);
		assertThat(trigger(assertion, "{}", "Idempotency-Key", key).status()).isEqualTo(202);
		assertThat(trigger(assertion, "{}").status()).isEqualTo(202);
		assertThat(trigger(assertion, "{}").status()).isEqualTo(202);
		assertThat(recordsFor(this.agentId, 3)).hasSize(3);
	}

	@Test
	void anIdentityIsForgottenAfterTheWindow() {
		String signature = signature();
		String assertion = verifiedFor(this.agentId);
		assertThat(trigger(assertion, "{}", "X-Signature", signature).status()).isEqualTo(202);
		this.jdbc.update("update webhook_delivery set received_at = received_at - ? * interval '1 second' "
				+ "where target_id = ?", this.properties.dedupWindow().toSeconds() + 60, this.agentId);
		assertThat(trigger(assertion, "{}", "X-Signature", signature).status()).isEqualTo(202);
		assertThat(recordsFor(this.agentId, 2)).hasSize(2);
		// the purge releases the old identity too; the fresh one is kept
		this.deliveries.releaseIdentitiesBefore(Instant.now().minus(this.properties.dedupWindow()));
		assertThat(this.jdbc.queryForObject(
				"select count(*) from webhook_delivery where target_id = ? and dedup_key is not null", Integer.class,
				this.agentId))
			.isEqualTo(1);
	}

	@Test
	void onlyAWebhookVerdictForThisAgentIsAccepted() {
		String signature = signature();
		Response otherAgent = trigger(verifiedFor(Cuid.next()), "{}", "X-Signature", signature);
		assertThat(otherAgent.status()).isEqualTo(401);
		assertThat(otherAgent.header("Content-Type")).startsWith("application/problem+json");
		assertThat(trigger(TestIdentities.sign(new IdentityAssertion("webhook", AuthMethod.WEBHOOK, null, null)), "{}",
				"X-Signature", signature)
			.status()).as("no target").isEqualTo(401);
		// the target of a pipeline's secret does not name the agent
		assertThat(trigger(
				TestIdentities.sign(
						new IdentityAssertion("webhook", AuthMethod.WEBHOOK, null, "webhook.pipeline:" + this.agentId)),
				"{}", "X-Signature", signature)
			.status()).as("pipeline verdict").isEqualTo(401);
		assertThat(trigger(TestIdentities.user("u-1"), "{}", "X-Signature", signature).status()).as("session")
			.isEqualTo(401);
		assertThat(trigger(TestIdentities.cli("u-1", "tok-1"), "{}", "X-Signature", signature).status()).as("cli")
			.isEqualTo(401);
		assertThat(trigger(TestIdentities.anonymous(), "{}", "X-Signature", signature).status()).as("anonymous")
			.isEqualTo(401);
		assertThat(this.http
			.postJson("/api/v1/webhooks/" + this.crewId + "/" + this.agentId + "/trigger", "{}", "X-Signature",
					signature)
			.status()).as("skipped the gateway").isEqualTo(401);
		assertThat(rowsFor(this.agentId)).isZero();
		assertThat(recordsFor(this.agentId, 1)).isEmpty();
	}

	@Test
	void aBrokerThatCannotTakeTheDeliveryIsAnswered503AndTheRetryGoesThrough() {
		String signature = signature();
		String assertion = verifiedFor(this.agentId);
		DeliveryQueue live = (DeliveryQueue) ReflectionTestUtils.getField(this.admission, "queue");
		DeliveryQueue unreachable = new DeliveryQueue(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"),
				new DeliveryProperties(this.properties.topic(), this.properties.dedupWindow(), Duration.ofSeconds(1),
						Duration.ofSeconds(1), Duration.ofSeconds(2), this.properties.retryAfter()),
				this.json);
		ReflectionTestUtils.setField(this.admission, "queue", unreachable);
		Response refused;
		try {
			refused = trigger(assertion, "{}", "X-Signature", signature);
		}
		finally {
			ReflectionTestUtils.setField(this.admission, "queue", live);
			unreachable.destroy();
		}
		assertThat(refused.status()).as(refused.body()).isEqualTo(503);
		assertThat(refused.header("Retry-After")).isEqualTo(Long.toString(this.properties.retryAfter().toSeconds()));
		assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
		assertThat(rowsFor(this.agentId)).as("no row left to pass a retry off as a duplicate").isZero();

		Response retried = trigger(assertion, "{}", "X-Signature", signature);
		assertThat(retried.status()).as(retried.body()).isEqualTo(202);
		assertThat(recordsFor(this.agentId, 2)).hasSize(1);
	}

	@Test
	void aCrewThatIsNotTheAgentsIsRefusedLikeAWrongSignature() {
		String assertion = verifiedFor(this.agentId);
		String otherCrew = Cuid.next();
		Response wrongCrew = this.http.postJson("/api/v1/webhooks/" + otherCrew + "/" + this.agentId + "/trigger", "{}",
				IdentityAssertion.HEADER, assertion, "X-Signature", signature());
		assertThat(wrongCrew.status()).as(wrongCrew.body()).isEqualTo(401);
		assertThat(wrongCrew.header("Content-Type")).startsWith("application/problem+json");
		assertThat(rowsFor(this.agentId)).isZero();

		// a deleted agent's secret verifies nothing either; a late copy of an older
		// event does not bring it back
		agentEvent("agent.deleted", this.agentId, this.crewId, Instant.now());
		agentEvent("agent.updated", this.agentId, this.crewId, Instant.now().minusSeconds(60));
		assertThat(trigger(assertion, "{}", "X-Signature", signature()).status()).isEqualTo(401);
		assertThat(rowsFor(this.agentId)).isZero();
	}

	@Test
	void anAgentNotKnownHereYetIsAnswered503WithRetryAfter() {
		String stranger = Cuid.next();
		Response unknown = this.http.postJson("/api/v1/webhooks/" + this.crewId + "/" + stranger + "/trigger", "{}",
				IdentityAssertion.HEADER, verifiedFor(stranger), "X-Signature", signature());
		assertThat(unknown.status()).as(unknown.body()).isEqualTo(503);
		assertThat(unknown.header("Retry-After")).isNotBlank();
		assertThat(rowsFor(stranger)).isZero();
	}

	@Test
	void theProjectionLearnsAgentsFromCrewServicesTopicOnce() {
		String agent = Cuid.next();
		String crew = Cuid.next();
		ObjectNode data = this.json.createObjectNode().put("id", agent).put("crew_id", crew);
		EventEnvelope created = new EventEnvelope(Cuid.next(), "agent.created", this.workspaceId, agent, "crew-test",
				Instant.now(), data);
		this.kafka.send("crewship.crew.v1", agent, this.json.writeValueAsString(created)).join();
		// a redelivery of the same event is applied once
		this.kafka.send("crewship.crew.v1", agent, this.json.writeValueAsString(created)).join();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (this.crews.find(agent).isEmpty()) {
			assertThat(System.nanoTime()).as("agent projected").isLessThan(deadline);
			Thread.onSpinWait();
		}
		assertThat(this.crews.find(agent).orElseThrow().crewId()).isEqualTo(crew);
		assertThat(this.jdbc.queryForObject(
				"select count(*) from platform_processed_event where consumer = 'webhook.agent-crews' and event_id = ?",
				Integer.class, created.id()))
			.isEqualTo(1);
		Response accepted = this.http.postJson("/api/v1/webhooks/" + crew + "/" + agent + "/trigger", "{}",
				IdentityAssertion.HEADER, verifiedFor(agent), "X-Signature", signature());
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
	}

	/**
	 * Publishes the membership as auth-service does and waits until the replica has it.
	 */
	private void member(String workspaceId, String userId, WorkspaceRole role) {
		Membership membership = new Membership(workspaceId, userId, role, System.nanoTime());
		EventEnvelope event = new EventEnvelope(Cuid.next(), Membership.CHANGED, workspaceId, userId, "auth-test",
				Instant.now(), this.json.valueToTree(membership));
		this.kafka.send(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId), this.json.writeValueAsString(event))
			.join();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (this.replica.find(workspaceId, userId).isEmpty()) {
			assertThat(System.nanoTime()).as("membership replicated").isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private Response trigger(String assertion, String body, String... headers) {
		String[] all = new String[headers.length + 2];
		all[0] = IdentityAssertion.HEADER;
		all[1] = assertion;
		System.arraycopy(headers, 0, all, 2, headers.length);
		return this.http.postJson("/api/v1/webhooks/" + this.crewId + "/" + this.agentId + "/trigger", body, all);
	}

	/** What the gateway forwards after the vault verified the agent's signature. */
	private static String verifiedFor(String agentId) {
		return TestIdentities.sign(new IdentityAssertion("webhook", AuthMethod.WEBHOOK, null,
				AgentTriggers.AGENT_TARGET_PREFIX + agentId));
	}

	private static String signature() {
		return HexFormat.of().formatHex(UUID.randomUUID().toString().repeat(2).getBytes(), 0, 32);
	}

	private int rowsFor(String agentId) {
		Integer n = this.jdbc.queryForObject("select count(*) from webhook_delivery where target_id = ?", Integer.class,
				agentId);
		return (n != null) ? n : 0;
	}

	/**
	 * The agent's records on the topic, read on for a while past {@code enough} so a
	 * duplicate would show.
	 */
	private List<ConsumerRecord<String, String>> recordsFor(String agentId, int enough) {
		List<ConsumerRecord<String, String>> seen = TestKafka.readUntil(this.properties.topic(),
				read -> read.stream().filter(r -> agentId.equals(r.key())).count() >= enough, Duration.ofSeconds(5));
		List<ConsumerRecord<String, String>> more = TestKafka.readUntil(this.properties.topic(), read -> false,
				Duration.ofSeconds(1));
		return (more.size() >= seen.size() ? more : seen).stream().filter(r -> agentId.equals(r.key())).toList();
	}

}
