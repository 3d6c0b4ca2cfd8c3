package crewship.webhook.pipelines;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Secrets;
import crewship.platform.membership.Membership;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.ServiceTest;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;
import crewship.webhook.InternalListenerStandIn;
import crewship.webhook.deliveries.DeliveryProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pipeline webhooks against the real database and broker: administration under the seed's
 * RBAC with the secret kept by the vault (a stand-in of its internal contract) and shown
 * once, and dispatch of what the gateway verified — 202 once the delivery is on the
 * topic, duplicates answered with the original run, the token's rate limit, and one 404
 * for a token that takes no deliveries.
 */
@ServiceTest
class PipelineWebhookTests {

	static final String DOMAIN_TOPIC = Topics.domain("webhook");

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
	DeliveryProperties deliveries;

	TestHttp http;

	String workspaceId;

	TestHttp owner;

	@BeforeEach
	void setUp() {
		// every 2xx body is checked against the reference schema
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.workspaceId = Cuid.next();
		this.owner = newMember(WorkspaceRole.OWNER);
	}

	@AfterEach
	void vaultUp() {
		InternalListenerStandIn.VAULT_DOWN.set(false);
	}

	@Test
	void createdWithTheSecretOnceThenListedWithoutIt() {
		Response created = create(this.owner, """
				{"target_pipeline_slug":"process-event","target_pipeline_version":3,
				 "inputs_template":{"source":"github"},"rate_limit_per_min":120}""");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.header("Cache-Control")).contains("no-store");
		JsonNode webhook = created.json();
		String token = webhook.get("token").asString();
		String secret = webhook.get("signing_secret").asString();
		assertThat(token).startsWith("cswh_").hasSize(5 + 64);
		assertThat(secret).isNotBlank();
		assertThat(webhook.get("name").asString()).as("defaults to the slug").isEqualTo("process-event");
		assertThat(webhook.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(webhook.get("target_pipeline_version").asInt()).isEqualTo(3);
		assertThat(webhook.get("inputs_template").get("source").asString()).isEqualTo("github");
		assertThat(webhook.get("enabled").asBoolean()).isTrue();
		assertThat(webhook.get("rate_limit_per_min").asInt()).isEqualTo(120);
		assertThat(webhook.get("signing_secret_set").asBoolean()).isTrue();
		assertThat(webhook.get("fire_count").asLong()).isZero();
		assertThat(webhook.get("last_fired_at").isNull()).isTrue();
		assertThat(webhook.has("last_run_id")).as("no run yet: left out, never null").isFalse();
		assertThat(webhook.has("target_pipeline_id")).as("named by slug").isFalse();
		assertThat(created.header("Location")).endsWith("/pipeline-webhooks/" + webhook.get("id").asString());
		// the vault holds it under the token's digest; webhook-service stores no secret
		assertThat(InternalListenerStandIn.SECRETS).containsEntry(Secrets.sha256Hex(token), secret);
		assertThat(this.jdbc.queryForObject(
				"select count(*) from pipeline_webhook where id = ? and "
						+ "(token_sha256 = ? and inputs_template::text not like ?)",
				Integer.class, webhook.get("id").asString(), Secrets.sha256Hex(token), "%" + secret + "%"))
			.isEqualTo(1);

		Response list = this.owner.get(path(""));
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.json().size()).isEqualTo(1);
		JsonNode listed = list.json().get(0);
		assertThat(listed.has("signing_secret")).as("never again").isFalse();
		assertThat(listed.get("signing_secret_set").asBoolean()).isTrue();
		assertThat(listed.get("token").asString()).isEqualTo(token);

		List<ConsumerRecord<String, String>> events = TestKafka.readUntil(DOMAIN_TOPIC,
				read -> read.stream().anyMatch(r -> webhook.get("id").asString().equals(r.key())),
				Duration.ofSeconds(10));
		JsonNode event = this.json.readTree(events.stream()
			.filter(r -> webhook.get("id").asString().equals(r.key()))
			.findFirst()
			.orElseThrow()
			.value());
		assertThat(event.get("type").asString()).isEqualTo("pipeline_webhook.created");
		assertThat(event.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(event.get("data").has("token")).as("the URL stays out of events").isFalse();
		assertThat(event.toString()).doesNotContain(secret);
	}

	@Test
	void aClientChosenSecretAndADisabledWebhookAreKeptByTheVault() {
		Response created = create(this.owner, """
				{"name":"GitHub events","target_pipeline_id":"pl_123","signing_secret":"client-chosen-secret-1",
				 "enabled":false}""");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String digest = Secrets.sha256Hex(created.json().get("token").asString());
		assertThat(created.json().get("signing_secret").asString()).isEqualTo("client-chosen-secret-1");
		assertThat(InternalListenerStandIn.ENABLED).containsEntry(digest, false);
		assertThat(created.json().get("name").asString()).isEqualTo("GitHub events");
		assertThat(created.json().get("target_pipeline_id").asString()).isEqualTo("pl_123");
	}

	@Test
	void invalidBodiesAre400() {
		for (String body : List.of("{}", "{\"name\":\"only a name\"}", "{\"target_pipeline_id\":\"pl_1\"}",
				"{\"target_pipeline_slug\":\"Not A Slug\"}",
				"{\"target_pipeline_slug\":\"ok-slug\",\"signing_secret\":\"short\"}",
				"{\"target_pipeline_slug\":\"ok-slug\",\"target_pipeline_version\":0}",
				"{\"target_pipeline_slug\":\"ok-slug\",\"inputs_template\":[1,2]}", "not json")) {
			Response refused = create(this.owner, body);
			assertThat(refused.status()).as(body + " -> " + refused.body()).isEqualTo(400);
			assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
		}
		assertThat(rows()).isZero();
	}

	@Test
	void rolesAsTheSeedSays() {
		String body = "{\"target_pipeline_slug\":\"nightly\"}";
		assertThat(create(newMember(WorkspaceRole.MEMBER), body).status()).isEqualTo(403);
		assertThat(create(newMember(WorkspaceRole.VIEWER), body).status()).isEqualTo(403);
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		Response created = create(manager, body);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.json().get("id").asString();
		assertThat(newMember(WorkspaceRole.VIEWER).get(path("")).json().size()).isEqualTo(1);
		assertThat(manager.send("DELETE", path("/" + id), null, null).status()).as("delete is manage").isEqualTo(403);
		TestHttp stranger = this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.user(Cuid.next()));
		assertThat(stranger.get(path("")).status()).isEqualTo(404);
		assertThat(create(stranger, body).status()).isEqualTo(404);
		assertThat(stranger.send("DELETE", path("/" + id), null, null).status()).isEqualTo(404);
		assertThat(this.http.get(path("")).status()).isEqualTo(401);
		TestHttp webhookCaller = this.http.withHeader(IdentityAssertion.HEADER,
				TestIdentities.sign(new IdentityAssertion("webhook", AuthMethod.WEBHOOK, null, "webhook.pipeline:x")));
		assertThat(webhookCaller.get(path("")).status()).isEqualTo(403);
		assertThat(newMember(WorkspaceRole.ADMIN).send("DELETE", path("/" + id), null, null).status()).isEqualTo(204);
	}

	@Test
	void aVaultThatCannotKeepTheSecretIs503AndLeavesNothingBehind() {
		InternalListenerStandIn.VAULT_DOWN.set(true);
		Response refused = create(this.owner, "{\"target_pipeline_slug\":\"nightly\"}");
		assertThat(refused.status()).as(refused.body()).isEqualTo(503);
		assertThat(refused.header("Retry-After")).isNotBlank();
		assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
		assertThat(rows()).as("no webhook without its secret").isZero();
		assertThat(this.jdbc.queryForObject(
				"select count(*) from platform_outbox where payload like ? and payload like '%pipeline_webhook.created%'",
				Integer.class, "%" + this.workspaceId + "%"))
			.as("nor its event")
			.isZero();
	}

	@Test
	void deleteIsSoftForgetsTheSecretAndIsRefusedWhileTheVaultIsDown() {
		Response created = create(this.owner, "{\"target_pipeline_slug\":\"nightly\"}");
		String id = created.json().get("id").asString();
		String digest = Secrets.sha256Hex(created.json().get("token").asString());

		InternalListenerStandIn.VAULT_DOWN.set(true);
		assertThat(this.owner.send("DELETE", path("/" + id), null, null).status()).isEqualTo(503);
		InternalListenerStandIn.VAULT_DOWN.set(false);
		assertThat(this.owner.get(path("")).json().size()).as("still there").isEqualTo(1);

		assertThat(this.owner.send("DELETE", path("/" + id), null, null).status()).isEqualTo(204);
		assertThat(InternalListenerStandIn.SECRETS).doesNotContainKey(digest);
		assertThat(this.owner.get(path("")).json().size()).isZero();
		assertThat(this.jdbc.queryForObject("select deleted_at is not null from pipeline_webhook where id = ?",
				Boolean.class, id))
			.as("soft")
			.isTrue();
		assertThat(this.owner.send("DELETE", path("/" + id), null, null).status()).isEqualTo(404);
		assertThat(this.owner.send("DELETE", path("/" + Cuid.next()), null, null).status()).isEqualTo(404);
	}

	@Test
	void listsAreBounded() {
		for (int i = 0; i < 3; i++) {
			assertThat(create(this.owner, "{\"target_pipeline_slug\":\"p-" + i + "\"}").status()).isEqualTo(201);
		}
		Response page = this.owner.get(path("?limit=2&offset=1"));
		assertThat(page.json().size()).isEqualTo(2);
		assertThat(page.json().get(0).get("target_pipeline_slug").asString()).as("newest first").isEqualTo("p-1");
		assertThat(this.owner.get(path("?limit=101")).status()).isEqualTo(400);
		assertThat(this.owner.get(path("?offset=-1")).status()).isEqualTo(400);
	}

	// dispatch: what the gateway forwards once the vault verified the signature

	@Test
	void aVerifiedDispatchIsAcceptedOnceOnTheTopicWithTheRoutinesInputs() {
		JsonNode webhook = create(this.owner, """
				{"target_pipeline_slug":"process-event","inputs_template":{"source":"github","event":"overridden?"}}""")
			.json();
		String token = webhook.get("token").asString();
		String body = "{\"action\":\"opened\",\"number\":42}";
		Response accepted = dispatch(token, verifiedFor(token), body, "X-Crewship-Signature", signature(),
				"X-GitHub-Event", "pull_request");
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		String runId = accepted.json().get("run_id").asString();
		assertThat(accepted.json().get("status").asString()).isEqualTo("PENDING");
		assertThat(accepted.json().get("deduped").asBoolean()).isFalse();

		ConsumerRecord<String, String> record = recordsFor(webhook.get("id").asString(), 1).get(0);
		JsonNode data = this.json.readTree(record.value()).get("data");
		assertThat(data.get("delivery_id").asString()).isEqualTo(runId);
		assertThat(data.get("target_kind").asString()).isEqualTo("PIPELINE");
		assertThat(data.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		JsonNode inputs = data.get("inputs");
		assertThat(inputs.get("source").asString()).isEqualTo("github");
		assertThat(inputs.get("event").get("number").asInt()).as("the template cannot override event").isEqualTo(42);
		assertThat(inputs.get("raw").asString()).isEqualTo(body);
		assertThat(inputs.get("headers").get("x-github-event").asString()).isEqualTo("pull_request");
		assertThat(inputs.get("headers").has("x-crewship-signature")).isFalse();
		assertThat(inputs.get("headers").has("x-crewship-identity")).isFalse();
		assertThat(inputs.get("pipeline").get("target_pipeline_slug").asString()).isEqualTo("process-event");

		JsonNode listed = this.owner.get(path("")).json().get(0);
		assertThat(listed.get("fire_count").asLong()).isEqualTo(1);
		assertThat(listed.get("last_run_id").asString()).isEqualTo(runId);
		assertThat(listed.get("last_status").asString()).isEqualTo("PENDING");
		assertThat(listed.get("last_fired_at").isNull()).isFalse();
	}

	@Test
	void duplicatesAnswerTheOriginalRun() {
		String token = create(this.owner, "{\"target_pipeline_slug\":\"dedup\"}").json().get("token").asString();
		String webhookId = this.owner.get(path("")).json().get(0).get("id").asString();
		String signature = signature();
		String timestamp = Long.toString(Instant.now().getEpochSecond());
		Response first = dispatch(token, verifiedFor(token), "{}", "X-Crewship-Signature", signature,
				"X-Crewship-Timestamp", timestamp);
		String runId = first.json().get("run_id").asString();
		// the same signed request again, even with a fresh key: the original run
		Response replay = dispatch(token, verifiedFor(token), "{}", "X-Crewship-Signature", signature.toUpperCase(),
				"X-Crewship-Timestamp", timestamp, "Idempotency-Key", UUID.randomUUID().toString());
		assertThat(replay.status()).as(replay.body()).isEqualTo(202);
		assertThat(replay.json().get("status").asString()).isEqualTo("DEDUPED");
		assertThat(replay.json().get("deduped").asBoolean()).isTrue();
		assertThat(replay.json().get("run_id").asString()).isEqualTo(runId);

		// a re-signed retry of one event, named by the sender
		String eventId = UUID.randomUUID().toString();
		Response event = dispatch(token, verifiedFor(token), "{}", "X-Crewship-Signature", signature(),
				"X-Crewship-Event-ID", eventId);
		Response retried = dispatch(token, verifiedFor(token), "{}", "X-Crewship-Signature", signature(),
				"X-Crewship-Event-ID", eventId);
		assertThat(retried.json().get("deduped").asBoolean()).isTrue();
		assertThat(retried.json().get("run_id").asString()).isEqualTo(event.json().get("run_id").asString());
		assertThat(event.json().get("run_id").asString()).isNotEqualTo(runId);
		assertThat(recordsFor(webhookId, 3)).hasSize(2);
	}

	@Test
	void onlyAVerdictForThisTokenIsAccepted() {
		String token = create(this.owner, "{\"target_pipeline_slug\":\"guarded\"}").json().get("token").asString();
		String other = create(this.owner, "{\"target_pipeline_slug\":\"other\"}").json().get("token").asString();
		assertThat(dispatch(token, verifiedFor(other), "{}", "X-Crewship-Signature", signature()).status())
			.isEqualTo(401);
		assertThat(dispatch(token, TestIdentities.anonymous(), "{}", "X-Crewship-Signature", signature()).status())
			.isEqualTo(401);
		assertThat(dispatch(token, TestIdentities.user("u-1"), "{}", "X-Crewship-Signature", signature()).status())
			.as("session auth is not accepted")
			.isEqualTo(401);
		assertThat(this.http.postJson("/api/v1/webhooks/" + token, "{}").status()).as("skipped the gateway")
			.isEqualTo(401);
		assertThat(this.jdbc.queryForObject("select count(*) from webhook_delivery where workspace_id = ?",
				Integer.class, this.workspaceId))
			.isZero();
	}

	@Test
	void unknownDisabledAndDeletedTokensAreOneAnswer() {
		String disabled = create(this.owner, "{\"target_pipeline_slug\":\"off\",\"enabled\":false}").json()
			.get("token")
			.asString();
		JsonNode live = create(this.owner, "{\"target_pipeline_slug\":\"gone\"}").json();
		String deleted = live.get("token").asString();
		assertThat(this.owner.send("DELETE", path("/" + live.get("id").asString()), null, null).status())
			.isEqualTo(204);
		String unknown = "cswh_" + Secrets.randomHex(32);
		List<Response> answers = List.of(dispatch(unknown, verifiedFor(unknown), "{}", "X-Crewship-Signature", "ab"),
				dispatch(disabled, verifiedFor(disabled), "{}", "X-Crewship-Signature", "ab"),
				dispatch(deleted, verifiedFor(deleted), "{}", "X-Crewship-Signature", "ab"));
		for (Response answer : answers) {
			assertThat(answer.status()).as(answer.body()).isEqualTo(404);
			assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
			JsonNode problem = answer.json().deepCopy();
			// the same body but for the path it answers
			assertThat(((tools.jackson.databind.node.ObjectNode) problem).without("instance").toString()).isEqualTo(
					((tools.jackson.databind.node.ObjectNode) answers.get(0).json().deepCopy()).without("instance")
						.toString());
		}
	}

	@Test
	void theTokensRateLimitIs429WithRetryAfter() {
		JsonNode webhook = create(this.owner, "{\"target_pipeline_slug\":\"limited\",\"rate_limit_per_min\":2}").json();
		String token = webhook.get("token").asString();
		assertThat(dispatch(token, verifiedFor(token), "{\"n\":1}", "X-Crewship-Signature", signature()).status())
			.isEqualTo(202);
		assertThat(dispatch(token, verifiedFor(token), "{\"n\":2}", "X-Crewship-Signature", signature()).status())
			.isEqualTo(202);
		Response limited = dispatch(token, verifiedFor(token), "{\"n\":3}", "X-Crewship-Signature", signature());
		assertThat(limited.status()).as(limited.body()).isEqualTo(429);
		assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
		assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
		assertThat(this.jdbc.queryForObject("select count(*) from webhook_delivery where target_id = ?", Integer.class,
				webhook.get("id").asString()))
			.as("the refused one left nothing")
			.isEqualTo(2);
		// another token has its own budget
		String other = create(this.owner, "{\"target_pipeline_slug\":\"other\",\"rate_limit_per_min\":2}").json()
			.get("token")
			.asString();
		assertThat(dispatch(other, verifiedFor(other), "{}", "X-Crewship-Signature", signature()).status())
			.isEqualTo(202);
	}

	private Response create(TestHttp caller, String body) {
		return caller.postJson(path(""), body);
	}

	private Response dispatch(String token, String assertion, String body, String... headers) {
		String[] all = new String[headers.length + 2];
		all[0] = IdentityAssertion.HEADER;
		all[1] = assertion;
		System.arraycopy(headers, 0, all, 2, headers.length);
		return this.http.postJson("/api/v1/webhooks/" + token, body, all);
	}

	/** What the gateway forwards after the vault verified the token's signature. */
	private static String verifiedFor(String token) {
		return TestIdentities.sign(new IdentityAssertion("webhook", AuthMethod.WEBHOOK, null,
				PipelineDispatch.PIPELINE_TARGET_PREFIX + Secrets.sha256Hex(token)));
	}

	private static String signature() {
		return HexFormat.of().formatHex(UUID.randomUUID().toString().repeat(2).getBytes(), 0, 32);
	}

	private String path(String rest) {
		return "/api/v1/workspaces/" + this.workspaceId + "/pipeline-webhooks" + rest;
	}

	private int rows() {
		Integer n = this.jdbc.queryForObject("select count(*) from pipeline_webhook where workspace_id = ?",
				Integer.class, this.workspaceId);
		return (n != null) ? n : 0;
	}

	private TestHttp newMember(WorkspaceRole role) {
		String userId = Cuid.next();
		Membership membership = new Membership(this.workspaceId, userId, role, System.nanoTime());
		EventEnvelope event = new EventEnvelope(Cuid.next(), Membership.CHANGED, this.workspaceId, userId, "auth-test",
				Instant.now(), this.json.valueToTree(membership));
		this.kafka
			.send(Topics.MEMBERSHIPS, Membership.key(this.workspaceId, userId), this.json.writeValueAsString(event))
			.join();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (this.replica.find(this.workspaceId, userId).isEmpty()) {
			assertThat(System.nanoTime()).as("membership replicated").isLessThan(deadline);
			Thread.onSpinWait();
		}
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.session(userId, "s-" + userId));
	}

	private List<ConsumerRecord<String, String>> recordsFor(String webhookId, int enough) {
		List<ConsumerRecord<String, String>> seen = TestKafka.readUntil(this.deliveries.topic(),
				read -> read.stream().filter(r -> webhookId.equals(r.key())).count() >= enough, Duration.ofSeconds(5));
		List<ConsumerRecord<String, String>> more = TestKafka.readUntil(this.deliveries.topic(), read -> false,
				Duration.ofSeconds(1));
		return (more.size() >= seen.size() ? more : seen).stream().filter(r -> webhookId.equals(r.key())).toList();
	}

}
