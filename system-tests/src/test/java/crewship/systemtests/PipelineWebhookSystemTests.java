package crewship.systemtests;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.systemtests.Client.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pipeline webhooks through the gateway with the real vault: the secret is minted by the
 * vault and shown once at creation, dispatch is verified at the edge (the vault's verdict
 * for the token's digest) and admitted by webhook-service once the delivery is on Kafka;
 * duplicates answer the original run, a bad signature is 401, a token that takes no
 * deliveries is one 404, and the token's own rate limit is 429 with Retry-After.
 */
class PipelineWebhookSystemTests {

	static String gateway;

	@BeforeAll
	static void startSuite() {
		gateway = RunningSuite.get().gatewayUrl();
	}

	static String hmac(String secret, String payload) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void createDispatchDedupRefuseDeleteAndLimit() throws Exception {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		String webhooks = gateway + "/api/v1/workspaces/" + workspaceId + "/pipeline-webhooks";

		Response created = Client.post(webhooks,
				"{\"name\":\"GitHub events\",\"target_pipeline_slug\":\"process-event\",\"target_pipeline_version\":3,"
						+ "\"inputs_template\":{\"source\":\"github\"},\"rate_limit_per_min\":120}",
				"Cookie", owner.cookieHeader(), "Origin", gateway);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.json().get("id").asString();
		String token = created.json().get("token").asString();
		String secret = created.json().get("signing_secret").asString();
		assertThat(secret).as("shown once, minted by the vault").startsWith("whsec_");
		assertThat(created.header("Cache-Control")).contains("no-store");

		Response listed = Client.get(webhooks, "Cookie", owner.cookieHeader());
		assertThat(listed.status()).as(listed.body()).isEqualTo(200);
		JsonNode item = listed.json().get(0);
		assertThat(item.get("id").asString()).isEqualTo(id);
		assertThat(item.has("signing_secret")).as("never again").isFalse();
		assertThat(item.get("signing_secret_set").asBoolean()).isTrue();
		assertThat(listed.body()).doesNotContain(secret);

		String dispatch = gateway + "/api/v1/webhooks/" + token;
		String body = "{\"action\":\"opened\",\"number\":42}";
		long now = System.currentTimeMillis() / 1000;
		String signature = hmac(secret, now + "." + body);
		Response fired = Client.post(dispatch, body, "X-Crewship-Timestamp", Long.toString(now), "X-Crewship-Signature",
				signature);
		assertThat(fired.status()).as(fired.body()).isEqualTo(202);
		String runId = fired.json().get("run_id").asString();
		assertThat(fired.json().get("status").asString()).isEqualTo("PENDING");
		assertThat(fired.json().get("deduped").asBoolean()).isFalse();

		Response duplicate = Client.post(dispatch, body, "X-Crewship-Timestamp", Long.toString(now),
				"X-Crewship-Signature", signature);
		assertThat(duplicate.status()).as(duplicate.body()).isEqualTo(202);
		assertThat(duplicate.json().get("deduped").asBoolean()).isTrue();
		assertThat(duplicate.json().get("status").asString()).isEqualTo("DEDUPED");
		assertThat(duplicate.json().get("run_id").asString()).isEqualTo(runId);

		Response untimestamped = Client.post(dispatch, body, "X-Crewship-Signature", hmac(secret, body));
		assertThat(untimestamped.status()).as("body-only signature: " + untimestamped.body()).isEqualTo(202);
		assertThat(untimestamped.json().get("run_id").asString()).isNotEqualTo(runId);

		Response badSignature = Client.post(dispatch, body, "X-Crewship-Signature", hmac(secret, body + " "));
		assertThat(badSignature.status()).as(badSignature.body()).isEqualTo(401);
		assertThat(Client.post(dispatch, body).status()).as("the signature is required").isEqualTo(401);
		long stale = now - 600;
		assertThat(Client
			.post(dispatch, body, "X-Crewship-Timestamp", Long.toString(stale), "X-Crewship-Signature",
					hmac(secret, stale + "." + body))
			.status()).as("a stale timestamp is 401 for pipelines").isEqualTo(401);
		assertThat(Client.post(dispatch, body, "Cookie", owner.cookieHeader()).status())
			.as("no session auth, no unsigned fallback")
			.isEqualTo(401);

		JsonNode telemetry = Client.get(webhooks, "Cookie", owner.cookieHeader()).json().get(0);
		assertThat(telemetry.get("fire_count").asLong()).isEqualTo(2);
		assertThat(telemetry.get("last_fired_at").isNull()).isFalse();

		// unknown and deleted tokens: the same answer
		Response unknown = Client.post(gateway + "/api/v1/webhooks/cswh_" + "0".repeat(64), body,
				"X-Crewship-Signature", hmac(secret, body));
		Response deleteIt = Client.send("DELETE", webhooks + "/" + id, null, "Cookie", owner.cookieHeader(), "Origin",
				gateway);
		assertThat(deleteIt.status()).as(deleteIt.body()).isEqualTo(204);
		Response deleted = Client.post(dispatch, body, "X-Crewship-Signature", hmac(secret, body));
		assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
		assertThat(deleted.status()).as(deleted.body()).isEqualTo(404);
		assertThat(withoutInstance(deleted.json())).isEqualTo(withoutInstance(unknown.json()));
		assertThat(Client.get(webhooks, "Cookie", owner.cookieHeader()).json().size()).isZero();

		// a token's own limit: rate_limit_per_min 2 (a positive rate is honoured; only
		// zero or negative falls back to the server floor of 600)
		Response limited = Client.post(webhooks, "{\"target_pipeline_slug\":\"limited\",\"rate_limit_per_min\":2}",
				"Cookie", owner.cookieHeader(), "Origin", gateway);
		assertThat(limited.status()).as(limited.body()).isEqualTo(201);
		String limitedUrl = gateway + "/api/v1/webhooks/" + limited.json().get("token").asString();
		String limitedSecret = limited.json().get("signing_secret").asString();
		for (int i = 0; i < 2; i++) {
			String each = "{\"n\":" + i + "}";
			assertThat(Client.post(limitedUrl, each, "X-Crewship-Signature", hmac(limitedSecret, each)).status())
				.isEqualTo(202);
		}
		String third = "{\"n\":3}";
		Response refused = Client.post(limitedUrl, third, "X-Crewship-Signature", hmac(limitedSecret, third));
		assertThat(refused.status()).as(refused.body()).isEqualTo(429);
		assertThat(refused.header("Retry-After")).isNotBlank();
		assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
	}

	@Test
	void invalidAndForeignCreatesAreRefusedAndAnAgentTriggerMustNameItsCrew() throws Exception {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		assertThat(Client
			.post(gateway + "/api/v1/workspaces/" + workspaceId + "/pipeline-webhooks", "{}", "Cookie",
					owner.cookieHeader(), "Origin", gateway)
			.status()).as("no target").isEqualTo(400);
		IdentitySystemTests.SignedIn stranger = IdentitySystemTests.signUpAndIn();
		assertThat(Client
			.post(gateway + "/api/v1/workspaces/" + workspaceId + "/pipeline-webhooks",
					"{\"target_pipeline_slug\":\"x1\"}", "Cookie", stranger.cookieHeader(), "Origin", gateway)
			.status()).as("not a member: no existence oracle").isEqualTo(404);

		String suffix = UUID.randomUUID().toString().substring(0, 8);
		Response crew = Client.post(gateway + "/api/v1/crews?workspace_id=" + workspaceId,
				"{\"name\":\"Hooks\",\"slug\":\"hooks-" + suffix + "\"}", "Cookie", owner.cookieHeader(), "Origin",
				gateway);
		String crewId = crew.json().get("id").asString();
		Response agent = Client.post(gateway + "/api/v1/agents?workspace_id=" + workspaceId,
				"{\"name\":\"Hook Agent\",\"slug\":\"hook-" + suffix + "\",\"crew_id\":\"" + crewId + "\"}", "Cookie",
				owner.cookieHeader(), "Origin", gateway);
		String agentId = agent.json().get("id").asString();
		Response rotated = Client.post(
				gateway + "/api/v1/agents/" + agentId + "/webhook-secret/rotate?workspace_id=" + workspaceId, "",
				"Cookie", owner.cookieHeader(), "Origin", gateway);
		assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
		String secret = rotated.json().get("webhook_secret").asString();
		String body = "{\"prompt\":\"x\"}";
		Response otherCrew = Client.post(gateway + "/api/v1/webhooks/" + UUID.randomUUID() + "/" + agentId + "/trigger",
				body, "X-Signature", hmac(secret, body));
		assertThat(otherCrew.status()).as(otherCrew.body()).isEqualTo(401);
		Response ownCrew = Client.post(gateway + "/api/v1/webhooks/" + crewId + "/" + agentId + "/trigger", body,
				"X-Signature", hmac(secret, body));
		assertThat(ownCrew.status()).as(ownCrew.body()).isEqualTo(202);

		// the delivery becomes a mission-service run once the engine's consumer took it
		Response runs = Client.get(gateway + "/api/v1/agents/" + agentId + "/runs?trigger_type=WEBHOOK", "Cookie",
				owner.cookieHeader());
		long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
		while (runs.status() == 200 && runs.json().isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(200);
			runs = Client.get(gateway + "/api/v1/agents/" + agentId + "/runs?trigger_type=WEBHOOK", "Cookie",
					owner.cookieHeader());
		}
		assertThat(runs.status()).as(runs.body()).isEqualTo(200);
		assertThat(runs.json().size()).isEqualTo(1);
		assertThat(runs.json().get(0).get("trigger_type").asString()).isEqualTo("WEBHOOK");
		assertThat(runs.json().get(0).get("crew_id").asString()).isEqualTo(crewId);
	}

	private static String withoutInstance(JsonNode problem) {
		return ((ObjectNode) problem.deepCopy()).without("instance").toString();
	}

}
