package crewship.vault.webhooks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.vault.VaultTestSupport;
import crewship.vault.agents.AgentDirectory;
import crewship.vault.webhooks.SignatureVerifier.Presented;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every signature case of the webhooks page, through the vault's internal verify endpoint
 * the gateway calls: the secret is minted once and never leaves again.
 */
class WebhookSignatureTests extends VaultTestSupport {

	static final String BODY = "{\"event\":\"push\",\"ref\":\"main\"}";

	String agentId = Cuid.next();

	@Autowired
	AgentDirectory directory;

	@Autowired
	JsonMapper json;

	String mint() {
		Response minted = internal().postJson("/api/v1/internal/webhook-secrets/agents/" + this.agentId,
				"{\"workspace_id\":\"" + this.workspaceId + "\",\"actor\":\"" + this.owner + "\"}");
		assertThat(minted.status()).as(minted.body()).isEqualTo(200);
		assertThat(minted.header("Cache-Control")).contains("no-store");
		return minted.json().get("secret").asString();
	}

	static String sign(String secret, String timestamp, String body) {
		return HexFormat.of()
			.formatHex(SignatureVerifier.hmac(secret.getBytes(StandardCharsets.UTF_8),
					new Presented(body.getBytes(StandardCharsets.UTF_8), null, timestamp, null)));
	}

	Response verify(String... headers) {
		return internal().send("POST", "/api/v1/internal/webhook-secrets/agents/" + this.agentId + "/verify",
				"application/json", BODY, headers);
	}

	static void assertVerdict(Response response, boolean valid, int status) {
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(response.json().get("valid").asBoolean()).as(response.body()).isEqualTo(valid);
		assertThat(response.json().get("status").asInt()).as(response.body()).isEqualTo(status);
	}

	@Test
	void everySignatureCaseOfThePage() {
		String secret = mint();
		assertThat(secret).startsWith("whsec_").hasSize(6 + 64);
		String now = Long.toString(Instant.now().getEpochSecond());

		Response bodyOnly = verify("X-Signature", sign(secret, null, BODY));
		assertVerdict(bodyOnly, true, 200);
		assertThat(bodyOnly.json().get("target").asString()).isEqualTo("webhook.agent:" + this.agentId);
		assertThat(bodyOnly.json().get("deprecated").asBoolean()).isFalse();
		assertVerdict(verify("X-Signature", sign(secret, now, BODY), "X-Timestamp", now), true, 200);
		assertVerdict(verify("X-Signature", sign(secret, null, BODY).toUpperCase()), true, 200);

		assertVerdict(verify("X-Signature", sign(secret, null, BODY + " ")), false, 401);
		assertVerdict(verify("X-Signature", sign("whsec_wrong", null, BODY)), false, 401);
		assertVerdict(verify("X-Signature", sign(secret, null, BODY), "X-Timestamp", now), false, 401);
		String stale = Long.toString(Instant.now().minusSeconds(301).getEpochSecond());
		assertVerdict(verify("X-Signature", sign(secret, stale, BODY), "X-Timestamp", stale), false, 400);
		String future = Long.toString(Instant.now().plusSeconds(301).getEpochSecond());
		assertVerdict(verify("X-Signature", sign(secret, future, BODY), "X-Timestamp", future), false, 400);
		assertVerdict(verify("X-Signature", sign(secret, "soon", BODY), "X-Timestamp", "soon"), false, 400);
		assertVerdict(verify(), false, 401);

		Response deprecated = verify("X-Webhook-Secret", secret);
		assertVerdict(deprecated, true, 200);
		assertThat(deprecated.json().get("deprecated").asBoolean()).isTrue();
		assertVerdict(verify("X-Webhook-Secret", secret + "x"), false, 401);
	}

	@Test
	void anAgentThatRequiresTimestampsRefusesTheOtherSchemesWith400() {
		String secret = mint();
		Response policy = internal().send("PUT", "/api/v1/internal/webhook-secrets/agents/" + this.agentId + "/policy",
				"application/json", "{\"require_timestamp\":true}");
		assertThat(policy.status()).as(policy.body()).isEqualTo(200);
		String now = Long.toString(Instant.now().getEpochSecond());
		assertVerdict(verify("X-Signature", sign(secret, null, BODY)), false, 400);
		assertVerdict(verify("X-Webhook-Secret", secret), false, 400);
		assertVerdict(verify("X-Signature", sign(secret, now, BODY), "X-Timestamp", now), true, 200);
	}

	@Test
	void aRotatedSecretStopsValidatingAtOnce() {
		String old = mint();
		assertVerdict(verify("X-Signature", sign(old, null, BODY)), true, 200);
		String fresh = mint();
		assertThat(fresh).isNotEqualTo(old);
		assertVerdict(verify("X-Signature", sign(old, null, BODY)), false, 401);
		assertVerdict(verify("X-Webhook-Secret", old), false, 401);
		assertVerdict(verify("X-Signature", sign(fresh, null, BODY)), true, 200);
		assertThat(internal().get("/api/v1/internal/webhook-secrets/agents/" + this.agentId)
			.json()
			.get("webhook_secret_set")
			.asBoolean()).isTrue();
		assertThat(this.jdbc.queryForObject("select count(*) from sealed_secrets where owner_id = ?", Integer.class,
				this.agentId))
			.isEqualTo(1);
	}

	Response policy(String body) {
		return internal().send("PUT", "/api/v1/internal/webhook-secrets/agents/" + this.agentId + "/policy",
				"application/json", body);
	}

	@Test
	void crewServiceCanSetThePolicyBeforeTheFirstSecretAndAMintCarriesIt() {
		assertThat(policy("{\"require_timestamp\":true}").status()).as("no workspace: only a known target")
			.isEqualTo(404);
		Response early = policy("{\"require_timestamp\":true,\"workspace_id\":\"" + this.workspaceId + "\"}");
		assertThat(early.status()).as(early.body()).isEqualTo(200);
		assertThat(internal().get("/api/v1/internal/webhook-secrets/agents/" + this.agentId)
			.json()
			.get("webhook_secret_set")
			.asBoolean()).as("a policy is no secret").isFalse();
		assertVerdict(verify("X-Webhook-Secret", "whsec_anything-at-all"), false, 400);
		String secret = mint();
		assertVerdict(verify("X-Signature", sign(secret, null, BODY)), false, 400);
		String now = Long.toString(Instant.now().getEpochSecond());
		assertVerdict(verify("X-Signature", sign(secret, now, BODY), "X-Timestamp", now), true, 200);
		// a mint that names the policy sets it too (crew-service's rotate repairs drift)
		Response minted = internal().postJson("/api/v1/internal/webhook-secrets/agents/" + this.agentId,
				"{\"workspace_id\":\"" + this.workspaceId + "\",\"require_timestamp\":false}");
		assertThat(minted.status()).isEqualTo(200);
		assertVerdict(verify("X-Signature", sign(minted.json().get("secret").asString(), null, BODY)), true, 200);
		assertThat(policy("{\"require_timestamp\":true,\"workspace_id\":\"" + Cuid.next() + "\"}").status())
			.as("another workspace's agent")
			.isEqualTo(404);
	}

	@ParameterizedTest
	@ValueSource(strings = { "agent.deleted", "agent.expired" })
	void aDeletedOrExpiredAgentsSecretStopsValidating(String type) {
		String secret = mint();
		assertThat(policy("{\"require_timestamp\":false}").status()).isEqualTo(200);
		assertVerdict(verify("X-Signature", sign(secret, null, BODY)), true, 200);
		EventEnvelope gone = new EventEnvelope(Cuid.next(), type, this.workspaceId, this.agentId, this.owner,
				Instant.now(), this.json.valueToTree(Map.of("id", this.agentId, "crew_id", Cuid.next())));
		this.directory.apply(gone);
		this.directory.apply(gone); // a redelivery is harmless
		assertVerdict(verify("X-Signature", sign(secret, null, BODY)), false, 401);
		assertVerdict(verify("X-Webhook-Secret", secret), false, 401);
		assertThat(internal().get("/api/v1/internal/webhook-secrets/agents/" + this.agentId)
			.json()
			.get("webhook_secret_set")
			.asBoolean()).isFalse();
		assertThat(this.jdbc.queryForObject("select count(*) from sealed_secrets where owner_id = ?", Integer.class,
				this.agentId))
			.isZero();
	}

	@Test
	void anExpiryOlderThanTheSecretLeavesIt() {
		String secret = mint(); // a ghost rehired and rotated before its expiry was
								// consumed
		this.directory.apply(new EventEnvelope(Cuid.next(), "agent.expired", this.workspaceId, this.agentId, null,
				Instant.now().minusSeconds(60), this.json.valueToTree(Map.of("id", this.agentId))));
		assertVerdict(verify("X-Signature", sign(secret, null, BODY)), true, 200);
		this.directory.apply(new EventEnvelope(Cuid.next(), "agent.deleted", this.workspaceId, this.agentId, this.owner,
				Instant.now().minusSeconds(60), this.json.valueToTree(Map.of("id", this.agentId))));
		assertVerdict(verify("X-Signature", sign(secret, null, BODY)), false, 401);
	}

	@Test
	void unknownTargetsPipelinesAndNonInternalCallers() {
		this.agentId = Cuid.next();
		assertVerdict(verify("X-Webhook-Secret", "whsec_anything"), false, 401);
		String pipeline = Cuid.next();
		Response minted = internal().postJson("/api/v1/internal/webhook-secrets/pipelines/" + pipeline,
				"{\"workspace_id\":\"" + this.workspaceId + "\",\"signing_secret\":\"client-chosen-secret-1\"}");
		assertThat(minted.json().get("secret").asString()).isEqualTo("client-chosen-secret-1");
		String path = "/api/v1/internal/webhook-secrets/pipelines/" + pipeline + "/verify";
		TestHttp in = internal();
		String now = Long.toString(Instant.now().getEpochSecond());
		String stale = Long.toString(Instant.now().minusSeconds(600).getEpochSecond());
		assertVerdict(in.send("POST", path, "application/json", BODY, "X-Crewship-Signature",
				sign("client-chosen-secret-1", null, BODY)), true, 200);
		assertVerdict(in.send("POST", path, "application/json", BODY, "X-Crewship-Signature",
				sign("client-chosen-secret-1", now, BODY), "X-Crewship-Timestamp", now), true, 200);
		assertVerdict(in.send("POST", path, "application/json", BODY, "X-Crewship-Signature",
				sign("client-chosen-secret-1", stale, BODY), "X-Crewship-Timestamp", stale), false, 401);
		assertVerdict(in.send("POST", path, "application/json", BODY), false, 401);
		assertVerdict(in.send("POST", path, "application/json", BODY, "X-Webhook-Secret", "client-chosen-secret-1"),
				false, 401);

		assertThat(as(this.owner)
			.postJson("/api/v1/internal/webhook-secrets/agents/" + this.agentId,
					"{\"workspace_id\":\"" + this.workspaceId + "\"}")
			.status()).isEqualTo(404);
		assertThat(asCli(this.owner).send("POST", path, "application/json", BODY).status()).isEqualTo(404);
		assertThat(internal()
			.postJson("/api/v1/internal/webhook-secrets/pipelines/" + pipeline,
					"{\"workspace_id\":\"" + Cuid.next() + "\"}")
			.status()).as("another workspace's target").isEqualTo(404);
	}

	@Test
	void aPipelineTokenThatIsUnknownDisabledOrDeletedIsOneAnswer() {
		String pipeline = Cuid.next();
		String secret = "pipeline-secret-0123456789";
		Response minted = internal().postJson("/api/v1/internal/webhook-secrets/pipelines/" + pipeline,
				"{\"workspace_id\":\"" + this.workspaceId + "\",\"signing_secret\":\"" + secret
						+ "\",\"enabled\":false}");
		assertThat(minted.status()).as(minted.body()).isEqualTo(200);
		String signature = sign(secret, null, BODY);
		Response disabled = verifyPipeline(pipeline, signature);
		assertVerdict(disabled, false, 404);
		Response unknown = verifyPipeline(Cuid.next(), signature);
		assertVerdict(unknown, false, 404);
		assertThat(disabled.json().get("reason")).isEqualTo(unknown.json().get("reason"));

		Response enabled = internal().send("PUT", "/api/v1/internal/webhook-secrets/pipelines/" + pipeline + "/policy",
				"application/json", "{\"enabled\":true}");
		assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
		assertThat(enabled.json().get("enabled").asBoolean()).isTrue();
		assertVerdict(verifyPipeline(pipeline, signature), true, 200);
		assertVerdict(verifyPipeline(pipeline, sign("another-secret-0123456789", null, BODY)), false, 401);

		assertThat(internal().send("DELETE", "/api/v1/internal/webhook-secrets/pipelines/" + pipeline, null, null)
			.status()).isEqualTo(204);
		Response deleted = verifyPipeline(pipeline, signature);
		assertVerdict(deleted, false, 404);
		assertThat(deleted.json().get("reason")).isEqualTo(unknown.json().get("reason"));
		assertThat(internal()
			.send("PUT", "/api/v1/internal/webhook-secrets/pipelines/" + pipeline + "/policy", "application/json", "{}")
			.status()).as("nothing to change").isEqualTo(400);
	}

	Response verifyPipeline(String pipeline, String signature) {
		return internal().send("POST", "/api/v1/internal/webhook-secrets/pipelines/" + pipeline + "/verify",
				"application/json", BODY, "X-Crewship-Signature", signature);
	}

}
