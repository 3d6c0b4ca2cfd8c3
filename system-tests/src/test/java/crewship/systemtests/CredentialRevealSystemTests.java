package crewship.systemtests;

import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.systemtests.Client.Response;
import crewship.systemtests.IdentitySystemTests.SignedIn;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Member capabilities reach the vault: granted through auth-service's capabilities API,
 * carried on the replicated membership record, honoured by the vault's reveal and
 * rotation gates. Replication is asynchronous, so a newly granted capability is polled
 * for briefly.
 */
class CredentialRevealSystemTests {

	static final String REASON = "{\"reason\":\"Migrating the deploy key into Vault, ticket OPS-812\"}";

	static String gateway;

	@BeforeAll
	static void startSuite() {
		IdentitySystemTests.startSuite(); // its sign-up helpers read its gateway field
		gateway = RunningSuite.get().gatewayUrl();
	}

	/** A signed-up user's own workspace (signup makes one). */
	static String workspaceOf(SignedIn user) {
		Response workspaces = Client.get(gateway + "/api/v1/workspaces", "Cookie", user.cookieHeader());
		assertThat(workspaces.status()).as(workspaces.body()).isEqualTo(200);
		return workspaces.json().get(0).get("id").asString();
	}

	static void addMember(SignedIn owner, String workspaceId, SignedIn user, String role) {
		Response added = Client.post(gateway + "/api/v1/workspaces/" + workspaceId + "/members",
				"{\"user_id\":\"" + user.userId() + "\",\"role\":\"" + role + "\"}", "Cookie", owner.cookieHeader(),
				"Origin", gateway);
		assertThat(added.status()).as(added.body()).isEqualTo(201);
	}

	static Response changeCapabilities(SignedIn caller, String workspaceId, SignedIn member, String body) {
		return Client.send("PATCH",
				gateway + "/api/v1/workspaces/" + workspaceId + "/members/" + member.userId() + "/capabilities", body,
				"Cookie", caller.cookieHeader(), "Origin", gateway);
	}

	/** Repeats the request until it answers {@code expected} (at most 15 s). */
	static Response await(int expected, Supplier<Response> request) throws InterruptedException {
		long deadline = System.nanoTime() + 15_000_000_000L;
		Response response = request.get();
		while (response.status() != expected && System.nanoTime() < deadline) {
			Thread.sleep(200);
			response = request.get();
		}
		assertThat(response.status()).as(response.body()).isEqualTo(expected);
		return response;
	}

	static String createCredential(SignedIn owner, String workspaceId, String name, String value) {
		Response created = Client.post(gateway + "/api/v1/credentials?workspace_id=" + workspaceId,
				"{\"name\":\"" + name + "\",\"type\":\"API_KEY\",\"provider\":\"OPENAI\",\"value\":\"" + value + "\"}",
				"Cookie", owner.cookieHeader(), "Origin", gateway);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.body()).doesNotContain(value);
		return created.json().get("id").asString();
	}

	@Test
	void revealNeedsTheSwitchTheGrantedCapabilityAndASession() throws Exception {
		SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = workspaceOf(owner);
		SignedIn admin = IdentitySystemTests.signUpAndIn();
		addMember(owner, workspaceId, admin, "ADMIN");
		String secret = "ghp_" + UUID.randomUUID();
		String credentialId = createCredential(owner, workspaceId, "GH_TOKEN", secret);
		String reveal = gateway + "/api/v1/credentials/" + credentialId + "/reveal?workspace_id=" + workspaceId;
		Supplier<Response> adminReveals = () -> Client.post(reveal, REASON, "Cookie", admin.cookieHeader(), "Origin",
				gateway);

		Response off = adminReveals.get();
		assertThat(off.status()).as(off.body()).isEqualTo(403);
		assertThat(off.header("Content-Type")).startsWith("application/problem+json");
		assertThat(off.json().get("detail").asString()).contains("turned off");

		String policy = gateway + "/api/v1/credentials/reveal-policy?workspace_id=" + workspaceId;
		assertThat(Client.send("PUT", policy, "{\"enabled\":true}", "Cookie", admin.cookieHeader(), "Origin", gateway)
			.status()).as("only an OWNER moves the switch").isEqualTo(403);
		Response enabled = Client.send("PUT", policy, "{\"enabled\":true}", "Cookie", owner.cookieHeader(), "Origin",
				gateway);
		assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
		Response ungranted = adminReveals.get();
		assertThat(ungranted.status()).as("an ADMIN does not hold it by role").isEqualTo(403);
		assertThat(ungranted.json().get("detail").asString()).contains("credentials:reveal");
		Response ownerReveals = Client.post(reveal, REASON, "Cookie", owner.cookieHeader(), "Origin", gateway);
		assertThat(ownerReveals.status()).as("nor does an untouched OWNER").isEqualTo(403);

		Response granted = changeCapabilities(owner, workspaceId, admin, "{\"grant\":[\"credentials:reveal\"]}");
		assertThat(granted.status()).as(granted.body()).isEqualTo(200);
		assertThat(granted.json().get("capabilities").valueStream().map(node -> node.asString()).toList())
			.contains("credentials:reveal");
		Response revealed = await(200, adminReveals);
		assertThat(revealed.json().get("value").asString()).isEqualTo(secret);
		assertThat(revealed.json().get("credential_id").asString()).isEqualTo(credentialId);
		assertThat(revealed.header("Cache-Control")).contains("no-store");

		String token = IdentitySystemTests.mintCliToken(admin, "").split(" ")[0];
		Response cli = Client.post(reveal, REASON, "Authorization", "Bearer " + token);
		assertThat(cli.status()).as("a CLI token never reveals, capability or not").isEqualTo(403);
		assertThat(cli.body()).doesNotContain(secret);

		Response revoked = changeCapabilities(owner, workspaceId, admin, "{\"revoke\":[\"credentials:reveal\"]}");
		assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
		await(403, adminReveals);
	}

	@Test
	void aMemberGivenCredentialRotateRotates() throws Exception {
		SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = workspaceOf(owner);
		SignedIn oncall = IdentitySystemTests.signUpAndIn();
		addMember(owner, workspaceId, oncall, "MEMBER");
		String credentialId = createCredential(owner, workspaceId, "LEAKED_TOKEN", "sk-old-" + UUID.randomUUID());
		String fresh = "sk-new-" + UUID.randomUUID();
		Supplier<Response> rotate = () -> Client.post(
				gateway + "/api/v1/credentials/" + credentialId + "/rotate?workspace_id=" + workspaceId,
				"{\"value\":\"" + fresh + "\",\"grace_seconds\":600}", "Cookie", oncall.cookieHeader(), "Origin",
				gateway);

		assertThat(rotate.get().status()).as("a MEMBER without the capability").isEqualTo(403);
		Response granted = changeCapabilities(owner, workspaceId, oncall, "{\"grant\":[\"credential.rotate\"]}");
		assertThat(granted.status()).as(granted.body()).isEqualTo(200);
		Response rotated = await(200, rotate);
		assertThat(rotated.json().get("rotated_by").asString()).isEqualTo(oncall.userId());
		assertThat(rotated.json().get("status").asString()).isEqualTo("ACTIVE");
		assertThat(rotated.body()).doesNotContain(fresh);
	}

}
