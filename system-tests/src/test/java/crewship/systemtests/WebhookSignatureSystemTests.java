package crewship.systemtests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.systemtests.Client.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's fifth authenticator with the real vault behind it: an agent made over
 * REST becomes known to the vault through crew-service's events, its signing secret is
 * minted on the internal listener, and deliveries are judged at the edge. A delivery the
 * gateway lets through reaches webhook-service, which answers 202 once it is on Kafka; a
 * refused one never leaves the gateway (401/400).
 */
class WebhookSignatureSystemTests {

	static String gateway;

	static String internalToken;

	@BeforeAll
	static void startSuite() throws Exception {
		gateway = RunningSuite.get().gatewayUrl();
		internalToken = Files.readString(RunningSuite.DATA_DIR.resolve("secrets/internal-token")).trim();
	}

	static String hmac(String secret, String payload) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
	}

	/** Mints (or rotates) the agent's secret once the vault has seen the agent. */
	static String mint(String workspaceId, String agentId) throws InterruptedException {
		long deadline = System.nanoTime() + 30_000_000_000L;
		Response minted;
		do {
			minted = Client.post(
					RunningSuite.get().gatewayInternalUrl() + "/api/v1/internal/webhook-secrets/agents/" + agentId,
					"{\"workspace_id\":\"" + workspaceId + "\"}", "X-Internal-Token", internalToken);
			if (minted.status() == 200) {
				return minted.json().get("secret").asString();
			}
			Thread.sleep(250);
		}
		while (System.nanoTime() < deadline);
		throw new AssertionError("the vault never accepted the agent: " + minted.status() + " " + minted.body());
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
				"{\"name\":\"Hooks\",\"slug\":\"hooks-" + suffix + "\"}", "Cookie", owner.cookieHeader(), "Origin",
				gateway);
		assertThat(crew.status()).as(crew.body()).isEqualTo(201);
		String crewId = crew.json().get("id").asString();
		Response agent = Client.post(gateway + "/api/v1/agents?workspace_id=" + workspaceId,
				"{\"name\":\"Hook Agent\",\"slug\":\"hook-" + suffix + "\",\"crew_id\":\"" + crewId + "\"}", "Cookie",
				owner.cookieHeader(), "Origin", gateway);
		assertThat(agent.status()).as(agent.body()).isEqualTo(201);
		String agentId = agent.json().get("id").asString();
		String secret = mint(workspaceId, agentId);
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

		String rotated = mint(workspaceId, agentId);
		assertThat(rotated).isNotEqualTo(secret);
		assertThat(Client.post(trigger, body, "X-Signature", hmac(secret, body)).status()).as("old secret, at once")
			.isEqualTo(401);
		assertThat(Client.post(trigger, body, "X-Signature", hmac(rotated, body)).status()).isEqualTo(202);
		assertThat(Client.post(trigger, body, "X-Signature", hmac(rotated, body)).status())
			.as("a duplicate is acknowledged (and enqueued once: webhook-service's tests count the records)")
			.isEqualTo(202);

		// the agent's webhook_require_timestamp, as crew-service will push it to the
		// vault
		Response policy = Client.send("PUT", RunningSuite.get().gatewayInternalUrl()
				+ "/api/v1/internal/webhook-secrets/agents/" + agentId + "/policy", "{\"require_timestamp\":true}",
				"X-Internal-Token", internalToken);
		assertThat(policy.status()).as(policy.body()).isEqualTo(200);
		assertThat(Client.post(trigger, body, "X-Signature", hmac(rotated, body)).status())
			.as("timestamp required: an untimestamped signature is 400")
			.isEqualTo(400);
		long later = System.currentTimeMillis() / 1000;
		assertThat(Client
			.post(trigger, body, "X-Timestamp", Long.toString(later), "X-Signature", hmac(rotated, later + "." + body))
			.status()).isEqualTo(202);
	}

}
