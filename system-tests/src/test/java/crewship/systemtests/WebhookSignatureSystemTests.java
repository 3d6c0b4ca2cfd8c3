package crewship.systemtests;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.systemtests.Client.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agent webhook secrets end to end, through the public API only: an agent made over REST,
 * its signing secret rotated through crew-service (which has the vault mint it over the
 * internal listener and hands it back once), its {@code webhook_require_timestamp} set
 * with a PATCH that crew-service pushes to the vault, and deliveries judged at the edge
 * by the gateway's fifth authenticator asking the vault. A delivery the gateway lets
 * through reaches webhook-service, which answers 202 once it is on Kafka; a refused one
 * never leaves the gateway (401/400). Deleting the agent revokes its secret in the vault
 * (crew-service's event).
 */
class WebhookSignatureSystemTests {

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

	/**
	 * A browser's cookie-authenticated change (the gateway's CSRF check wants Origin).
	 */
	static String[] as(IdentitySystemTests.SignedIn user) {
		return new String[] { "Cookie", user.cookieHeader(), "Origin", gateway };
	}

	/** Rotates the agent's secret through crew-service and returns it (shown once). */
	static String rotate(IdentitySystemTests.SignedIn owner, String workspaceId, String agentId) {
		Response rotated = Client.post(
				gateway + "/api/v1/agents/" + agentId + "/webhook-secret/rotate?workspace_id=" + workspaceId, "",
				as(owner));
		assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
		assertThat(rotated.header("Cache-Control")).contains("no-store");
		assertThat(rotated.json().get("rotated_at").asString()).isNotBlank();
		return rotated.json().get("webhook_secret").asString();
	}

	@Test
	void signedDeliveriesPassTheEdgeAndEverythingElseIsRefusedThere() throws Exception {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		Response crew = Client.post(gateway + "/api/v1/crews?workspace_id=" + workspaceId,
				"{\"name\":\"Hooks\",\"slug\":\"hooks-" + suffix + "\"}", as(owner));
		assertThat(crew.status()).as(crew.body()).isEqualTo(201);
		String crewId = crew.json().get("id").asString();
		Response agent = Client.post(gateway + "/api/v1/agents?workspace_id=" + workspaceId,
				"{\"name\":\"Hook Agent\",\"slug\":\"hook-" + suffix + "\",\"crew_id\":\"" + crewId + "\"}", as(owner));
		assertThat(agent.status()).as(agent.body()).isEqualTo(201);
		String agentId = agent.json().get("id").asString();
		String agentUrl = gateway + "/api/v1/agents/" + agentId + "?workspace_id=" + workspaceId;
		assertThat(agent.json().get("webhook_secret_set").asBoolean()).isFalse();

		String secret = rotate(owner, workspaceId, agentId);
		assertThat(secret).startsWith("whsec_");
		Response read = Client.get(agentUrl, "Cookie", owner.cookieHeader());
		assertThat(read.json().get("webhook_secret_set").asBoolean()).isTrue();
		assertThat(read.body()).as("never readable again").doesNotContain(secret);

		String trigger = gateway + "/api/v1/webhooks/" + crewId + "/" + agentId + "/trigger";
		String body = "{\"prompt\":\"build it\"}";
		long now = System.currentTimeMillis() / 1000;

		Response signed = Client.post(trigger, body, "X-Signature", hmac(secret, body));
		assertThat(signed.status()).as("past the edge: webhook-service answers " + signed.body()).isEqualTo(202);
		assertThat(signed.json().get("status").asString()).isEqualTo("accepted");
		Response timestamped = Client.post(trigger, body, "X-Timestamp", Long.toString(now), "X-Signature",
				hmac(secret, now + "." + body));
		assertThat(timestamped.status()).isEqualTo(202);

		assertThat(Client.post(trigger, body, "X-Signature", hmac(secret, body + " ")).status()).as("bad signature")
			.isEqualTo(401);
		assertThat(Client.post(trigger, body).status()).as("missing").isEqualTo(401);
		long stale = now - 600;
		assertThat(Client
			.post(trigger, body, "X-Timestamp", Long.toString(stale), "X-Signature", hmac(secret, stale + "." + body))
			.status()).as("stale timestamp: 400, as webhooks.mdx says").isEqualTo(400);

		Response plaintext = Client.post(trigger, body, "X-Webhook-Secret", secret);
		assertThat(plaintext.status()).as("deprecated scheme still passes").isEqualTo(202);
		assertThat(plaintext.header("Deprecation")).isNotBlank();
		assertThat(plaintext.header("Sunset")).isNotBlank();

		// a rotation through crew-service: the old secret is refused at once, the new
		// one accepted
		String rotated = rotate(owner, workspaceId, agentId);
		assertThat(rotated).isNotEqualTo(secret);
		assertThat(Client.post(trigger, body, "X-Signature", hmac(secret, body)).status()).as("old secret, at once")
			.isEqualTo(401);
		assertThat(Client.post(trigger, body, "X-Webhook-Secret", secret).status()).isEqualTo(401);
		assertThat(Client.post(trigger, body, "X-Signature", hmac(rotated, body)).status()).isEqualTo(202);
		assertThat(Client.post(trigger, body, "X-Signature", hmac(rotated, body)).status())
			.as("a duplicate is acknowledged (and enqueued once: webhook-service's tests count the records)")
			.isEqualTo(202);

		// webhook_require_timestamp through the public API: crew-service pushes it to the
		// vault before the PATCH succeeds
		Response required = Client.send("PATCH", agentUrl, "{\"webhook_require_timestamp\":true}", as(owner));
		assertThat(required.status()).as(required.body()).isEqualTo(200);
		assertThat(required.json().get("webhook_require_timestamp").asBoolean()).isTrue();
		assertThat(Client.post(trigger, body, "X-Signature", hmac(rotated, body)).status())
			.as("timestamp required: an untimestamped signature is 400")
			.isEqualTo(400);
		assertThat(Client.post(trigger, body, "X-Webhook-Secret", rotated).status())
			.as("and so is the deprecated plaintext secret")
			.isEqualTo(400);
		long later = System.currentTimeMillis() / 1000;
		assertThat(Client
			.post(trigger, body, "X-Timestamp", Long.toString(later), "X-Signature", hmac(rotated, later + "." + body))
			.status()).isEqualTo(202);
		Response relaxed = Client.send("PATCH", agentUrl, "{\"webhook_require_timestamp\":false}", as(owner));
		assertThat(relaxed.status()).as(relaxed.body()).isEqualTo(200);
		assertThat(Client.post(trigger, body + " ", "X-Signature", hmac(rotated, body + " ")).status())
			.as("body-only signatures pass again")
			.isEqualTo(202);

		// a deleted agent's secret stops validating once the vault has its event
		assertThat(Client.send("DELETE", agentUrl, null, as(owner)).status()).isEqualTo(200);
		long deadline = System.nanoTime() + 30_000_000_000L;
		int status;
		do {
			String fresh = "{\"prompt\":\"" + UUID.randomUUID() + "\"}";
			status = Client.post(trigger, fresh, "X-Signature", hmac(rotated, fresh)).status();
			if (status == 401) {
				break;
			}
			Thread.sleep(250);
		}
		while (System.nanoTime() < deadline);
		assertThat(status).as("the deleted agent's secret is revoked").isEqualTo(401);
	}

	@Test
	void onlyTheAgentsEditorsRotateAndTheSecretBelongsToItsWorkspace() {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		Response agent = Client.post(gateway + "/api/v1/agents?workspace_id=" + workspaceId,
				"{\"name\":\"Hook Agent\",\"slug\":\"hook-" + UUID.randomUUID().toString().substring(0, 8) + "\"}",
				as(owner));
		assertThat(agent.status()).as(agent.body()).isEqualTo(201);
		String agentId = agent.json().get("id").asString();
		IdentitySystemTests.SignedIn stranger = IdentitySystemTests.signUpAndIn();
		Response foreign = Client.post(
				gateway + "/api/v1/agents/" + agentId + "/webhook-secret/rotate?workspace_id=" + workspaceId, "",
				as(stranger));
		assertThat(foreign.status()).as("another workspace's agent is not there: " + foreign.body()).isEqualTo(404);
		assertThat(foreign.header("Content-Type")).startsWith("application/problem+json");
		assertThat(Client
			.post(gateway + "/api/v1/agents/" + agentId + "/webhook-secret/rotate?workspace_id=" + workspaceId, "")
			.status()).as("anonymous").isEqualTo(401);
	}

}
