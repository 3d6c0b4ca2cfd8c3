package crewship.systemtests;

import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.devstack.Suite;
import crewship.systemtests.Client.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 through the gateway: a crew template deployed and its agents listed (and the
 * deploy in the journal and the activity feed); the privacy purge reaching every store
 * (auth-service's cards and crew-service's peer index, fed by auth-service's events);
 * skills, proposed skills and generation without a provider; an escalation raised by an
 * agent and resolved by a person.
 */
class CrewKitSystemTests {

	static Suite suite;

	static String gateway;

	static String internalToken;

	@BeforeAll
	static void startSuite() throws Exception {
		suite = RunningSuite.get();
		gateway = suite.gatewayUrl();
		internalToken = Files.readString(RunningSuite.DATA_DIR.resolve("secrets/internal-token")).trim();
	}

	record Owner(IdentitySystemTests.SignedIn user, String workspaceId) {

		Response get(String path) {
			return Client.get(gateway + path + (path.contains("?") ? "&" : "?") + "workspace_id=" + this.workspaceId,
					"Cookie", this.user.cookieHeader());
		}

		Response send(String method, String path, String json) {
			return Client.send(method,
					gateway + path + (path.contains("?") ? "&" : "?") + "workspace_id=" + this.workspaceId, json,
					"Cookie", this.user.cookieHeader(), "Origin", gateway);
		}

	}

	static Owner owner() {
		IdentitySystemTests.SignedIn user = IdentitySystemTests.signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", user.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		return new Owner(user, workspaceId);
	}

	static Response internal(String method, String path, String json) {
		return Client.send(method, suite.gatewayInternalUrl() + path, json, "X-Internal-Token", internalToken);
	}

	static Response await(java.util.function.Supplier<Response> call, Predicate<Response> done) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		Response response = call.get();
		while (!done.test(response) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			response = call.get();
		}
		return response;
	}

	static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void aDeployedCrewTemplateHasItsAgentsAndTheirSkills() {
		Owner owner = owner();
		Response deployed = owner.send("POST", "/api/v1/crew-templates/release-crew/deploy",
				"{\"crew_name\":\"Release " + suffix() + "\"}");
		assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
		String crewId = deployed.json().get("crew_id").asString();
		assertThat(deployed.json().get("agent_count").asInt()).isEqualTo(3);

		Response agents = owner.get("/api/v1/agents?crew_id=" + crewId);
		assertThat(agents.status()).isEqualTo(200);
		assertThat(agents.json()).hasSize(3);
		String lead = deployed.json().get("agent_ids").get(0).asString();
		assertThat(owner.get("/api/v1/agents/" + lead + "/skills").body()).contains("release-notes");

		// the deploy is journaled by mission-service, shown in the activity feed, and the
		// workspace's chain verifies
		Response journal = await(() -> owner.get("/api/v1/journal?entry_type=crew_template.deployed&crew_id=" + crewId),
				r -> r.status() == 200 && r.json().path("count").asInt() == 1);
		assertThat(journal.json().path("count").asInt()).as(journal.body()).isEqualTo(1);
		assertThat(journal.json().get("entries").get(0).get("actor_type").asString()).isEqualTo("user");
		Response activity = await(() -> owner.get("/api/v1/activity?crew_id=" + crewId),
				r -> r.status() == 200 && r.body().contains("crew_template.deployed"));
		assertThat(activity.body()).as("the activity feed").contains("crew_template.deployed");
		Response verified = owner.get("/api/v1/admin/journal/verify");
		assertThat(verified.status()).isEqualTo(200);
		assertThat(verified.json().get("intact").asBoolean()).as(verified.body()).isTrue();
	}

	@Test
	void aPrivacyPurgeReachesEveryStore() {
		Owner owner = owner();
		String crewId = owner.send("POST", "/api/v1/crews", "{\"name\":\"Peers\",\"slug\":\"peers-" + suffix() + "\"}")
			.json()
			.get("id")
			.asString();
		String agentId = owner
			.send("POST", "/api/v1/agents",
					"{\"name\":\"Ada\",\"slug\":\"ada-" + suffix() + "\",\"crew_id\":\"" + crewId + "\"}")
			.json()
			.get("id")
			.asString();
		// an agent writes a card about the owner (the run engine's call, on the internal
		// listener)
		Response written = internal("PUT", "/api/v1/internal/peer-cards",
				"{\"workspace_id\":\"" + owner.workspaceId() + "\",\"agent_id\":\"" + agentId
						+ "\",\"agent_slug\":\"ada\",\"user_id\":\"" + owner.user().userId()
						+ "\",\"content\":\"# Owner\\n- prefers async\"}");
		assertThat(written.status()).as(written.body()).isEqualTo(201);
		// auth-service holds the card; crew-service's index learns of it from the event
		assertThat(owner.get("/api/v1/users/me/peer-cards").json().get("peers")).hasSize(1);
		Response indexed = await(() -> owner.get("/api/v1/agents/" + agentId + "/peers"),
				response -> response.json().size() == 1);
		assertThat(indexed.json()).hasSize(1);
		assertThat(indexed.json().get(0).get("user_id").asString()).isEqualTo(owner.user().userId());

		Response purged = owner.send("DELETE", "/api/v1/users/me/peer-cards", null);
		assertThat(purged.status()).as(purged.body()).isEqualTo(200);
		assertThat(purged.json().get("purged").asInt()).isEqualTo(1);
		assertThat(owner.get("/api/v1/users/me/peer-cards").json().get("peers")).isEmpty();
		Response emptied = await(() -> owner.get("/api/v1/agents/" + agentId + "/peers"),
				response -> response.json().isEmpty());
		assertThat(emptied.json()).as("crew-service's index honours the purge").isEmpty();

		// opted out: the next write is refused where it happens
		assertThat(owner.send("PUT", "/api/v1/users/me/peer-consent", "{\"opted_out\":true}").status()).isEqualTo(200);
		assertThat(internal("PUT", "/api/v1/internal/peer-cards",
				"{\"workspace_id\":\"" + owner.workspaceId() + "\",\"agent_id\":\"" + agentId
						+ "\",\"agent_slug\":\"ada\",\"user_id\":\"" + owner.user().userId() + "\",\"content\":\"x\"}")
			.status()).isEqualTo(409);
	}

	@Test
	void skillsProposalsGenerationAndEscalationsThroughTheGateway() {
		Owner owner = owner();
		Response imported = owner.send("POST", "/api/v1/workspaces/" + owner.workspaceId() + "/skills/import",
				"{\"content\":\"---\\nname: sys-skill\\ndescription: Use when the system test needs a skill.\\n---\\nDo it.\\n\"}");
		assertThat(imported.status()).as(imported.body()).isEqualTo(201);
		assertThat(owner.get("/api/v1/skills?search=sys-skill").json()).hasSize(1);

		String crewId = owner.send("POST", "/api/v1/crews", "{\"name\":\"Esc\",\"slug\":\"esc-" + suffix() + "\"}")
			.json()
			.get("id")
			.asString();
		Response proposed = owner.get("/api/v1/skills/proposed?crew_id=" + crewId);
		assertThat(proposed.status()).as("not read as a skill id").isEqualTo(200);
		assertThat(proposed.json().isArray()).isTrue();

		// mission-service runs the providers; without one the answer says so
		Response generated = owner.send("POST", "/api/v1/workspaces/" + owner.workspaceId() + "/skills/generate",
				"{\"slug\":\"gen\",\"prompt\":\"Summarise commits between two tags.\"}");
		assertThat(generated.status()).isEqualTo(503);
		assertThat(generated.json().get("detail").asString()).contains("provider");

		String agentId = owner
			.send("POST", "/api/v1/agents",
					"{\"name\":\"Viktor\",\"slug\":\"viktor-" + suffix() + "\",\"crew_id\":\"" + crewId + "\"}")
			.json()
			.get("id")
			.asString();
		Response raised = internal("POST", "/api/v1/internal/escalations",
				"{\"workspace_id\":\"" + owner.workspaceId() + "\",\"crew_id\":\"" + crewId + "\",\"agent_id\":\""
						+ agentId + "\",\"reason\":\"unsure about schema impact\"}");
		assertThat(raised.status()).as(raised.body()).isEqualTo(201);
		String escalationId = raised.json().get("id").asString();
		assertThat(owner.get("/api/v1/escalations/pending-count").json().get("count").asInt()).isEqualTo(1);
		assertThat(owner.get("/api/v1/crews/" + crewId + "/escalations").json().get(0).get("id").asString())
			.isEqualTo(escalationId);
		Response resolved = owner.send("PATCH", "/api/v1/escalations/" + escalationId + "/resolve",
				"{\"action\":\"approve\"}");
		assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
		Response answer = internal("GET", "/api/v1/internal/escalations/" + escalationId + "/wait?workspace_id="
				+ owner.workspaceId() + "&timeout=1", null);
		assertThat(answer.json().get("status").asString()).isEqualTo("RESOLVED");
		assertThat(answer.json().get("action").asString()).isEqualTo("approve");
	}

}
