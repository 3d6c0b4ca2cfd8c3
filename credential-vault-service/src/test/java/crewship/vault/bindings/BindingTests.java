package crewship.vault.bindings;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;
import crewship.vault.VaultTestSupport;
import crewship.vault.agents.AgentDirectory;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bindings, explicit grants and slot resolution, with crews and agents known from
 * crew-service's events.
 */
class BindingTests extends VaultTestSupport {

	static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	AgentDirectory directory;

	@Autowired
	KafkaTemplate<String, String> kafka;

	String crewId;

	String agentId;

	@BeforeEach
	void crewWithAnAgent() {
		this.crewId = Cuid.next();
		this.agentId = Cuid.next();
		this.directory.apply(event("crew.created", Map.of("id", this.crewId, "name", "Core", "slug", "core")));
		this.directory.apply(event("agent.created", Map.of("id", this.agentId, "crew_id", this.crewId, "name",
				"Backend Dev", "slug", "backend", "status", "ACTIVE", "ephemeral", false)));
	}

	EventEnvelope event(String type, Map<String, Object> data) {
		return new EventEnvelope(Cuid.next(), type, this.workspaceId, (String) data.get("id"), this.owner,
				Instant.now(), JSON.valueToTree(data));
	}

	Response bind(String credentialId, String scope, String owner, String slot) {
		String ownerField = switch (scope) {
			case "CREW" -> ",\"crew_id\":\"" + owner + "\"";
			case "AGENT" -> ",\"agent_id\":\"" + owner + "\"";
			default -> "";
		};
		return as(this.owner).postJson("/api/v1/credentials/bindings", "{\"credential_id\":\"" + credentialId
				+ "\",\"scope\":\"" + scope + "\",\"slot\":\"" + slot + "\"" + ownerField + "}");
	}

	@Test
	void mostSpecificScopeWinsAndValuesFollowTheResolution() {
		String workspaceWide = createCredential("github-org", "ghp_org");
		String crewWide = createCredential("github-crew", "ghp_crew");
		String agentOnly = createCredential("github-agent", "ghp_agent");
		String npm = createCredential("npm-publish", "npm_x");
		assertThat(bind(workspaceWide, "WORKSPACE", null, "GH_TOKEN").status()).isEqualTo(201);
		assertThat(bind(npm, "WORKSPACE", null, "NPM_TOKEN").status()).isEqualTo(201);
		assertThat(bind(crewWide, "CREW", this.crewId, "GH_TOKEN").status()).isEqualTo(201);

		Response slots = as(member(WorkspaceRole.VIEWER))
			.get("/api/v1/agents/" + this.agentId + "/credential-bindings");
		assertThat(slots.status()).as(slots.body()).isEqualTo(200);
		assertThat(slots.json()
			.valueStream()
			.map(s -> s.get("slot").asString() + "=" + s.get("credential_name").asString() + "/"
					+ s.get("source").asString())
			.toList()).containsExactly("GH_TOKEN=github-crew/crew_binding", "NPM_TOKEN=npm-publish/workspace_binding");

		Response agentBinding = bind(agentOnly, "AGENT", this.agentId, "GH_TOKEN");
		assertThat(agentBinding.status()).isEqualTo(201);
		Response env = internal().get("/api/v1/internal/agents/" + this.agentId + "/credentials?workspace_id="
				+ this.workspaceId + "&run_id=r1");
		assertThat(env.status()).as(env.body()).isEqualTo(200);
		assertThat(env.json().get("slots").get(0).get("slot").asString()).isEqualTo("GH_TOKEN");
		assertThat(env.json().get("slots").get(0).get("credential").get("value").asString()).isEqualTo("ghp_agent");
		assertThat(as(this.owner)
			.get("/api/v1/internal/agents/" + this.agentId + "/credentials?workspace_id=" + this.workspaceId)
			.status()).as("values only for internal callers").isEqualTo(404);

		Response list = as(this.owner).get("/api/v1/credentials/bindings?slot=GH_TOKEN");
		assertThat(list.json().get("bindings").size()).isEqualTo(3);
		as(this.owner).delete("/api/v1/credentials/" + agentOnly);
		assertThat(as(this.owner).get("/api/v1/credentials/bindings?slot=GH_TOKEN").json().get("bindings").size())
			.as("bindings cascade with their credential")
			.isEqualTo(2);
		String bindingId = as(this.owner).get("/api/v1/credentials/bindings?scope=CREW")
			.json()
			.get("bindings")
			.get(0)
			.get("id")
			.asString();
		assertThat(as(member(WorkspaceRole.MANAGER)).delete("/api/v1/credentials/bindings/" + bindingId).status())
			.isEqualTo(403);
		assertThat(as(this.owner).delete("/api/v1/credentials/bindings/" + bindingId).status()).isEqualTo(204);
		assertThat(as(this.owner).delete("/api/v1/credentials/bindings/" + bindingId).status()).isEqualTo(404);
	}

	@Test
	void oneCredentialPerSlotAndScopeAndForeignIdsAreIndistinguishable() {
		String a = createCredential("a", "va");
		String b = createCredential("b", "vb");
		assertThat(bind(a, "WORKSPACE", null, "TOKEN").status()).isEqualTo(201);
		assertThat(bind(b, "WORKSPACE", null, "TOKEN").status()).as("no silent replacement").isEqualTo(409);
		assertThat(bind(a, "CREW", Cuid.next(), "TOKEN").status()).isEqualTo(400);
		assertThat(bind(a, "AGENT", Cuid.next(), "TOKEN").status()).isEqualTo(400);
		assertThat(bind(Cuid.next(), "WORKSPACE", null, "OTHER").status()).isEqualTo(400);
		assertThat(bind(a, "WORKSPACE", null, "1BAD").status()).isEqualTo(400);
		assertThat(bind(a, "GALAXY", null, "X").status()).isEqualTo(400);
	}

	@Test
	void explicitGrantsBeatBindingsAndLeasesExpire() {
		String bound = createCredential("bound", "v-bound");
		String granted = createCredential("granted", "v-granted");
		bind(bound, "WORKSPACE", null, "API_KEY");
		String path = "/api/v1/agents/" + this.agentId + "/credentials";
		assertThat(as(member(WorkspaceRole.MANAGER))
			.postJson(path, "{\"credential_id\":\"" + granted + "\",\"env_var_name\":\"API_KEY\"}")
			.status()).isEqualTo(403);
		assertThat(
				as(this.owner)
					.postJson(path,
							"{\"credential_id\":\"" + granted
									+ "\",\"env_var_name\":\"API_KEY\",\"ttl_seconds\":2592001}")
					.status())
			.isEqualTo(400);
		Response assigned = as(this.owner).postJson(path,
				"{\"credential_id\":\"" + granted + "\",\"env_var_name\":\"API_KEY\",\"ttl_seconds\":600}");
		assertThat(assigned.status()).as(assigned.body()).isEqualTo(201);
		assertThat(as(this.owner).postJson(path, "{\"credential_id\":\"" + granted + "\",\"env_var_name\":\"X\"}")
			.status()).isEqualTo(409);
		assertThat(as(this.owner)
			.postJson("/api/v1/agents/" + Cuid.next() + "/credentials",
					"{\"credential_id\":\"" + granted + "\",\"env_var_name\":\"X\"}")
			.status()).isEqualTo(404);

		Response grants = as(this.owner).get(path);
		assertThat(grants.json().get(0).get("grant_source").asString()).isEqualTo("explicit");
		assertThat(grants.json().get(0).get("lease_source").asString()).isEqualTo("manual");
		assertThat(slotSource("API_KEY")).isEqualTo("agent_grant");

		this.jdbc.update("update agent_credentials set expires_at = now() - interval '1 second' where id = ?",
				assigned.json().get("id").asString());
		assertThat(slotSource("API_KEY")).as("an expired lease never resolves").isEqualTo("workspace_binding");
		assertThat(as(this.owner).get(path).json().get(0).get("expired").asBoolean()).isTrue();
		assertThat(as(this.owner).delete(path + "/" + assigned.json().get("id").asString()).status()).isEqualTo(200);
	}

	@Test
	void crewLinkedCredentialsAreDeliveredUnderTheirOwnName() {
		Response linked = as(this.owner).postJson("/api/v1/credentials",
				"{\"name\":\"sentry-dsn\",\"value\":\"https://x\",\"crew_ids\":[\"" + this.crewId + "\"]}");
		assertThat(linked.json().get("scope").asString()).isEqualTo("CREW");
		Response slots = as(this.owner).get("/api/v1/agents/" + this.agentId + "/credential-bindings");
		assertThat(slots.json().get(0).get("slot").asString()).isEqualTo("SENTRY_DSN");
		assertThat(slots.json().get(0).get("source").asString()).isEqualTo("crew_link");
		assertThat(slots.json().get(0).get("warning").asString()).contains("delivered as SENTRY_DSN");

		assertThat(as(this.owner).get("/api/v1/agents/" + this.agentId + "/credentials")
			.json()
			.get(0)
			.get("grant_source")
			.asString()).isEqualTo("crew");
	}

	@Test
	void theDirectoryFollowsCrewServiceEventsOnKafka() throws Exception {
		String agent = Cuid.next();
		String created = JSON.writeValueAsString(event("agent.created", Map.of("id", agent, "crew_id", this.crewId,
				"name", "QA", "slug", "qa", "status", "ACTIVE", "ephemeral", false)));
		send(agent, created);
		awaitAgent(agent, true);
		String id = createCredential("qa-key", "v");
		bind(id, "AGENT", agent, "QA_KEY");
		send(agent, JSON.writeValueAsString(event("agent.deleted", Map.of("id", agent, "crew_id", this.crewId))));
		awaitAgent(agent, false);
		assertThat(as(this.owner).get("/api/v1/credentials/bindings?agent_id=" + agent).json().get("bindings").size())
			.as("bindings cascade with their agent")
			.isZero();
		// a redelivered, older creation does not bring it back
		send(agent, created);
		Thread.sleep(1500);
		assertThat(this.directory.agent(this.workspaceId, agent)).isEmpty();
	}

	private void send(String key, String value) {
		if (this.kafka.isTransactional()) {
			this.kafka.executeInTransaction(operations -> operations.send("crewship.crew.v1", key, value));
		}
		else {
			this.kafka.send("crewship.crew.v1", key, value);
		}
	}

	private void awaitAgent(String agent, boolean present) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline && this.directory.agent(this.workspaceId, agent).isPresent() != present) {
			Thread.sleep(100);
		}
		assertThat(this.directory.agent(this.workspaceId, agent).isPresent()).isEqualTo(present);
	}

	private String slotSource(String slot) {
		List<tools.jackson.databind.JsonNode> slots = as(this.owner)
			.get("/api/v1/agents/" + this.agentId + "/credential-bindings")
			.json()
			.valueStream()
			.filter(s -> s.get("slot").asString().equals(slot))
			.toList();
		return slots.get(0).get("source").asString();
	}

}
