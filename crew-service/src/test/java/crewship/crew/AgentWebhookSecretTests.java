package crewship.crew;

import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.crew.agents.AgentExpiry;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's webhook signing secret through crew-service: rotation under the agent's
 * edit gate, {@code webhook_require_timestamp} pushed to the vault, and nothing changed
 * when the vault cannot answer. The vault here is the internal listener's stand-in (its
 * internal contract); the system tests drive the real one.
 */
class AgentWebhookSecretTests extends CrewTestSupport {

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	AgentExpiry expiry;

	@AfterEach
	void vaultBackUp() {
		InternalListenerStandIn.vaultDown.set(false);
	}

	String agent(TestHttp as) {
		Response created = as.postJson(ws("/api/v1/agents"),
				"{\"name\":\"Hook Agent\",\"slug\":\"" + slug("hook") + "\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	Response rotate(TestHttp as, String agentId) {
		return as.postJson(ws("/api/v1/agents/" + agentId + "/webhook-secret/rotate"), "");
	}

	@Test
	void rotationReturnsTheNewSecretOnceAndTheAgentOnlySaysOneIsSet() {
		String id = agent(this.owner);
		assertThat(this.owner.get(ws("/api/v1/agents/" + id)).json().get("webhook_secret_set").asBoolean()).isFalse();
		assertThat(patch(this.owner, ws("/api/v1/agents/" + id), "{\"webhook_require_timestamp\":true}").status())
			.isEqualTo(200);

		Response rotated = rotate(this.owner, id);
		assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
		assertThat(rotated.header("Cache-Control")).contains("no-store");
		String secret = rotated.json().get("webhook_secret").asString();
		assertThat(secret).startsWith("whsec_").isEqualTo(InternalListenerStandIn.secrets.get(id));
		assertThat(Instant.parse(rotated.json().get("rotated_at").asString())).isBeforeOrEqualTo(Instant.now());
		JsonNode mint = InternalListenerStandIn.mints.get(id);
		assertThat(mint.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(mint.get("actor").asString()).isEqualTo(this.ownerId);
		assertThat(mint.get("require_timestamp").asBoolean()).as("the policy travels with the secret").isTrue();

		Response read = this.owner.get(ws("/api/v1/agents/" + id));
		assertThat(read.json().get("webhook_secret_set").asBoolean()).isTrue();
		assertThat(read.body()).doesNotContain(secret);
		assertThat(this.owner.get(ws("/api/v1/agents")).body()).doesNotContain(secret);

		String again = rotate(this.owner, id).json().get("webhook_secret").asString();
		assertThat(again).isNotEqualTo(secret);
		java.util.List<JsonNode> events = events(id, 4);
		assertThat(events)
			.filteredOn(event -> event.get("data").path("change").asString("").equals("webhook_secret_rotated"))
			.hasSize(2);
		assertThat(events.toString()).doesNotContain(secret).doesNotContain(again);
	}

	@Test
	void rotationUsesTheAgentsEditGate() {
		String ownersAgent = agent(this.owner);
		CrewTestSupport.assertProblem(rotate(newMember(WorkspaceRole.MEMBER), ownersAgent), 403, "MEMBER");
		CrewTestSupport.assertProblem(rotate(newMember(WorkspaceRole.VIEWER), ownersAgent), 403, "VIEWER");
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		CrewTestSupport.assertProblem(rotate(manager, ownersAgent), 403, "MANAGER");
		assertThat(rotate(manager, agent(manager)).status()).as("a MANAGER's own agent").isEqualTo(200);
		assertThat(rotate(newMember(WorkspaceRole.ADMIN), ownersAgent).status()).isEqualTo(200);

		String stranger = Cuid.next();
		String otherWorkspace = Cuid.next();
		member(otherWorkspace, stranger, WorkspaceRole.OWNER);
		CrewTestSupport.assertProblem(
				as(stranger).postJson(
						"/api/v1/agents/" + ownersAgent + "/webhook-secret/rotate?workspace_id=" + otherWorkspace, ""),
				404, "Agent not found");
		CrewTestSupport.assertProblem(rotate(this.owner, Cuid.next()), 404, "Agent not found");
		assertThat(InternalListenerStandIn.mints).doesNotContainKey(stranger);
	}

	@Test
	void whileTheVaultIsDownNothingChangesAndTheCallerIsToldToRetry() {
		String id = agent(this.owner);
		InternalListenerStandIn.vaultDown.set(true);

		Response rotated = rotate(this.owner, id);
		CrewTestSupport.assertProblem(rotated, 503, "nothing was changed");
		assertThat(Long.parseLong(rotated.header("Retry-After"))).isPositive();
		Response updated = patch(this.owner, ws("/api/v1/agents/" + id),
				"{\"webhook_require_timestamp\":true,\"description\":\"half a change\"}");
		CrewTestSupport.assertProblem(updated, 503, "retry shortly");
		assertThat(updated.header("Retry-After")).isNotBlank();
		JsonNode agent = this.owner.get(ws("/api/v1/agents/" + id)).json();
		assertThat(agent.get("webhook_secret_set").asBoolean()).isFalse();
		assertThat(agent.get("webhook_require_timestamp").asBoolean()).as("the whole PATCH rolled back").isFalse();
		assertThat(agent.get("description").isNull()).isTrue();
		assertThat(patch(this.owner, ws("/api/v1/agents/" + id), "{\"description\":\"no vault needed\"}").status())
			.as("a PATCH without the policy does not need the vault")
			.isEqualTo(200);

		InternalListenerStandIn.vaultDown.set(false);
		assertThat(patch(this.owner, ws("/api/v1/agents/" + id), "{\"webhook_require_timestamp\":true}").status())
			.isEqualTo(200);
		assertThat(InternalListenerStandIn.policies.get(id)).isTrue();
		assertThat(patch(this.owner, ws("/api/v1/agents/" + id), "{\"webhook_require_timestamp\":false}").status())
			.isEqualTo(200);
		assertThat(InternalListenerStandIn.policies.get(id)).isFalse();
	}

	@Test
	void aGhostLosesItsSecretAndMustBeRehiredBeforeRotating() {
		String crewId = crew(slug("ghosts"));
		Response put = put(this.owner, ws("/api/v1/crews/" + crewId + "/policy"),
				"{\"autonomy_level\":\"trusted\",\"behavior_mode\":\"warn\",\"reason\":\"test\"}");
		assertThat(put.status()).as(put.body()).isEqualTo(200);
		Response hired = this.owner.postJson(ws("/api/v1/agents/hire"), "{\"crew_id\":\"" + crewId
				+ "\",\"template_slug\":\"backend-dev\",\"reason\":\"Spike\",\"ttl_minutes\":60}");
		assertThat(hired.status()).as(hired.body()).isEqualTo(201);
		String id = hired.json().get("id").asString();
		assertThat(rotate(this.owner, id).status()).isEqualTo(200);

		this.jdbc.update("update agent set expires_at = now() - interval '1 second' where id = ?", id);
		this.expiry.sweep();
		assertThat(this.owner.get(ws("/api/v1/agents/" + id)).json().get("webhook_secret_set").asBoolean())
			.as("the vault revokes a ghost's secret on agent.expired")
			.isFalse();
		CrewTestSupport.assertProblem(rotate(this.owner, id), 409, "ghost");
		assertThat(
				this.owner.postJson(ws("/api/v1/agents/" + id + "/rehire"), "{\"reason\":\"Another pass\"}").status())
			.isEqualTo(200);
		assertThat(rotate(this.owner, id).status()).isEqualTo(200);
	}

}
