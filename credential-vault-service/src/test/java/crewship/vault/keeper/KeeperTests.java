package crewship.vault.keeper;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.Membership;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.vault.VaultTestSupport;
import crewship.vault.agents.AgentDirectory;
import crewship.vault.crypto.EnvelopeCipher;
import crewship.vault.crypto.KeyRing;
import crewship.vault.crypto.MasterKey;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeper's admin, status and internal routes end to end, with WireMock as the Ollama
 * judge (the only third party here).
 */
class KeeperTests extends VaultTestSupport {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final String MODEL = "qwen3.5:9b";

	WireMockServer judge = new WireMockServer(options().dynamicPort());

	@Autowired
	AgentDirectory directory;

	@Autowired
	EnvelopeCipher cipher;

	String crewId;

	String agentId;

	@BeforeEach
	void start() {
		this.judge.start();
		this.judge.stubFor(get("/api/tags").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"models\":[{\"name\":\"" + MODEL + "\"},{\"name\":\"llama3:8b\"}]}")));
		verdict("ESCALATE", 6);
		this.crewId = Cuid.next();
		this.agentId = Cuid.next();
		this.directory.apply(event("crew.created", Map.of("id", this.crewId, "name", "Core", "slug", "core")));
		this.directory.apply(event("agent.created",
				Map.of("id", this.agentId, "crew_id", this.crewId, "name", "Viktor", "slug", "viktor")));
	}

	@AfterEach
	void stop() {
		this.judge.stop();
	}

	void verdict(String decision, int risk) {
		String answer = "{\"decision\":\"%s\",\"reason\":\"judged\",\"risk_score\":%d}".formatted(decision, risk);
		this.judge.stubFor(post("/api/generate").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody(JSON.writeValueAsString(Map.of("model", MODEL, "response", answer, "done", true)))));
	}

	EventEnvelope event(String type, Map<String, Object> data) {
		return new EventEnvelope(Cuid.next(), type, this.workspaceId, (String) data.get("id"), this.owner,
				Instant.now(), JSON.valueToTree(data));
	}

	Response put(TestHttp as, String path, String json) {
		return send(as, "PUT", path, json);
	}

	/** Keeper on, judged by WireMock (behind basic-auth userinfo). */
	void enableJudge(String userinfo) {
		String url = this.judge.baseUrl().replace("://", "://" + ((userinfo != null) ? userinfo + "@" : ""));
		Response saved = put(as(this.owner), "/api/v1/admin/keeper/config",
				"{\"enabled\":true,\"judge_endpoint_url\":\"" + url + "\",\"judge_model\":\"" + MODEL
						+ "\",\"judge_timeout_ms\":30000}");
		assertThat(saved.status()).as(saved.body()).isEqualTo(200);
	}

	Response ask(String credentialName) {
		return internal().postJson("/api/v1/internal/keeper/request?workspace_id=" + this.workspaceId, """
				{"requesting_agent_id":"%s","requesting_crew_id":"%s","credential_name":"%s",
				 "intent":"Need to call the API to analyse code"}""".formatted(this.agentId, this.crewId,
				credentialName));
	}

	@Test
	void onlyAdminsAndOwnersReachKeeper() {
		String admin = member(WorkspaceRole.ADMIN);
		assertThat(as(admin).get("/api/v1/admin/keeper/config").status()).isEqualTo(200);
		for (WorkspaceRole role : List.of(WorkspaceRole.MANAGER, WorkspaceRole.MEMBER, WorkspaceRole.VIEWER)) {
			TestHttp as = as(member(role));
			assertThat(as.get("/api/v1/admin/keeper/config").status()).as(role + " config").isEqualTo(403);
			assertThat(put(as, "/api/v1/admin/keeper/config", "{\"enabled\":true}").status()).as(role + " put")
				.isEqualTo(403);
			assertThat(as.get("/api/v1/system/keeper").status()).as(role + " status").isEqualTo(403);
			assertThat(as.get("/api/v1/admin/keeper/requests").status()).as(role + " log").isEqualTo(403);
			assertThat(as.postJson("/api/v1/admin/keeper/requests/kpr_x/resolve", "{\"decision\":\"ALLOW\"}").status())
				.as(role + " resolve")
				.isEqualTo(403);
			Response problem = as.delete("/api/v1/admin/keeper/requests");
			assertThat(problem.status()).isEqualTo(403);
			assertThat(problem.header("Content-Type")).startsWith("application/problem+json");
		}
		assertThat(as(stranger()).get("/api/v1/admin/keeper/config").status()).as("no oracle").isEqualTo(404);
		assertThat(put(as(this.owner), "/api/v1/admin/keeper/config", "{\"enabled\":false}").status()).isEqualTo(200);
		assertThat(this.jdbc.queryForObject("select enabled from keeper_config where workspace_id = ?", Boolean.class,
				this.workspaceId))
			.isFalse();
	}

	@Test
	void configRoundTripsAndTheEndpointSecretIsNeverEchoedNorStoredInClear() {
		String canary = "keeper-canary-" + Cuid.next();
		String url = this.judge.baseUrl().replace("://", "://judge:" + canary + "@");
		captureOutbox();
		try {
			Response saved = put(as(this.owner), "/api/v1/admin/keeper/config", """
					{"enabled":true,"judge_endpoint_url":"%s","judge_model":"%s","judge_timeout_ms":30000,
					 "judge_profile":"thorough","judge_precedent":false,"judge_evidence_facts":"role"}""".formatted(url,
					MODEL));
			assertThat(saved.status()).as(saved.body()).isEqualTo(200);
			assertThat(saved.body()).doesNotContain(canary);
			JsonNode config = saved.json();
			assertThat(config.get("judge_endpoint_url").get("value").asString())
				.isEqualTo(this.judge.baseUrl().replace("://", "://xxxxx@"));
			assertThat(config.get("judge_endpoint_url").get("source").asString()).isEqualTo("instance");
			assertThat(config.get("enabled").get("value").asBoolean()).isTrue();
			assertThat(config.get("judge_timeout_ms").get("value").asInt()).isEqualTo(30000);
			assertThat(config.get("judge_provider").get("editable").asBoolean()).isFalse();
			assertThat(config.get("judge_configured").asBoolean()).isTrue();
			assertThat(config.get("overridden").asBoolean()).isTrue();
			assertThat(config.get("updated_by").asString()).isEqualTo(this.owner);
			JsonNode profile = config.get("judge_profile");
			assertThat(profile.get("name").get("value").asString()).isEqualTo("thorough");
			assertThat(profile.get("precedent").get("value").asBoolean()).isFalse();
			assertThat(profile.get("precedent").get("source").asString()).isEqualTo("instance");
			assertThat(profile.get("precedent_n").get("value").asInt()).as("from the thorough preset").isEqualTo(20);
			assertThat(profile.get("precedent_n").get("source").asString()).isEqualTo("profile");
			assertThat(profile.get("evidence_facts").get("value").get(0).asString()).isEqualTo("role");
			assertThat(profile.get("overridden").asBoolean()).isTrue();
			assertThat(as(this.owner).get("/api/v1/admin/keeper/config").body()).isEqualTo(saved.body());

			// the redacted form read back keeps the stored password; the judge gets it as
			// basic auth
			String redacted = config.get("judge_endpoint_url").get("value").asString();
			assertThat(put(as(this.owner), "/api/v1/admin/keeper/config",
					"{\"judge_endpoint_url\":\"" + redacted + "\",\"judge_precedent\":null}")
				.json()
				.get("judge_profile")
				.get("precedent")
				.get("source")
				.asString()).as("null inherits the profile again").isEqualTo("profile");
			Response models = as(this.owner).get("/api/v1/admin/keeper/judge/models");
			assertThat(models.status()).as(models.body()).isEqualTo(200);
			assertThat(models.json().get("models").get(0).asString()).isEqualTo(MODEL);
			assertThat(models.body()).doesNotContain(canary);
			this.judge.verify(getRequestedFor(urlEqualTo("/api/tags")).withHeader("Authorization", equalTo("Basic "
					+ Base64.getEncoder().encodeToString(("judge:" + canary).getBytes(StandardCharsets.UTF_8)))));

			assertThat(this.jdbc.queryForObject(
					"select count(*) from sealed_secrets where owner_type = 'keeper_judge_userinfo' and owner_id = ?",
					Integer.class, this.workspaceId))
				.isOne();
			assertThat(plaintextHits(this.judge.baseUrl())).as("the scan sees the endpoint's public part")
				.contains("keeper_config.judge_endpoint_url");
			assertThat(plaintextHits(canary)).as("columns holding the password in clear").isEmpty();
			assertThat(this.jdbc.queryForList("select payload from keeper_test_outbox where payload like ?",
					String.class, "%keeper.config_updated%" + this.workspaceId + "%"))
				.as("journaled")
				.isNotEmpty();

			Response cleared = send(as(this.owner), "DELETE", "/api/v1/admin/keeper/config", null);
			assertThat(cleared.status()).isEqualTo(200);
			assertThat(cleared.json().get("overridden").asBoolean()).isFalse();
			assertThat(cleared.json().get("judge_endpoint_url").get("source").asString()).isEqualTo("default");
			assertThat(this.jdbc.queryForObject(
					"select count(*) from sealed_secrets where owner_type = 'keeper_judge_userinfo' and owner_id = ?",
					Integer.class, this.workspaceId))
				.as("scrubbed")
				.isZero();
		}
		finally {
			releaseOutbox();
		}
	}

	@Test
	void theEndpointSecretIsReencryptedWithEveryOtherValue() {
		String canary = "rekey-canary-" + Cuid.next();
		enableJudge("judge:" + canary);
		KeyRing original = this.cipher.keys();
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		MasterKey next = new MasterKey("keeper-" + Cuid.next().substring(15), new SecretKeySpec(raw, "AES"));
		try {
			this.cipher.useKeys(KeyRing.of(next, List.copyOf(original.byId().values())));
			assertThat(as(this.owner).postJson("/api/v1/admin/reencrypt", null).status()).isEqualTo(200);
			assertThat(this.jdbc.queryForObject(
					"select key_id from sealed_secrets where owner_type = 'keeper_judge_userinfo' and owner_id = ?",
					String.class, this.workspaceId))
				.isEqualTo(next.id());
			this.cipher.useKeys(KeyRing.of(next, List.of()));
			assertThat(as(this.owner).get("/api/v1/admin/keeper/judge/models").json().get("models")).isNotEmpty();
			this.judge.verify(getRequestedFor(urlEqualTo("/api/tags")).withHeader("Authorization", equalTo("Basic "
					+ Base64.getEncoder().encodeToString(("judge:" + canary).getBytes(StandardCharsets.UTF_8)))));
		}
		finally {
			// later tests still read what the original keys sealed
			this.cipher.useKeys(KeyRing.of(next, List.copyOf(original.byId().values())));
		}
	}

	@Test
	void invalidConfigurationIsA400() {
		for (String body : List.of("{\"enabled\":\"yes\"}", "{\"judge_timeout_ms\":5}", "{\"judge_profile\":\"lax\"}",
				"{\"judge_endpoint_url\":\"ftp://judge\"}", "{\"judge_evidence_facts\":\"role,secrets\"}",
				"{\"judge_wire\":\"openai\"}", "{\"judge_escalate_from\":11}", "[1]", "{not json")) {
			Response refused = put(as(this.owner), "/api/v1/admin/keeper/config", body);
			assertThat(refused.status()).as(body + " → " + refused.body()).isEqualTo(400);
		}
		assertThat(this.jdbc.queryForObject("select count(*) from keeper_config where workspace_id = ?", Integer.class,
				this.workspaceId))
			.as("a refused update leaves nothing behind")
			.isZero();
	}

	@Test
	void anEscalationIsSettledOnceAndOnlyInItsWorkspace() {
		createCredential("anthropic-prod", "sk-ant-" + Cuid.next());
		enableJudge(null);
		Response asked = ask("anthropic-prod");
		assertThat(asked.status()).as(asked.body()).isEqualTo(200);
		assertThat(asked.json().get("decision").asString()).isEqualTo("ESCALATE");
		assertThat(asked.json().get("risk_score").asInt()).isEqualTo(6);
		String requestId = asked.json().get("request_id").asString();
		this.judge.verify(postRequestedFor(urlEqualTo("/api/generate")));

		String otherOwner = Cuid.next();
		String otherWorkspace = Cuid.next();
		this.replica.apply(new Membership(otherWorkspace, otherOwner, WorkspaceRole.OWNER, 1));
		Response foreign = as(otherOwner).withHeader("X-Workspace-ID", otherWorkspace)
			.postJson("/api/v1/admin/keeper/requests/" + requestId + "/resolve", "{\"decision\":\"ALLOW\"}");
		assertThat(foreign.status()).as("another workspace's request").isEqualTo(404);
		assertThat(as(otherOwner).withHeader("X-Workspace-ID", otherWorkspace)
			.get("/api/v1/admin/keeper/requests/" + requestId + "/events")
			.json()).as("no oracle").isEmpty();
		assertThat(internal().get("/api/v1/internal/keeper/request/" + requestId + "?workspace_id=" + otherWorkspace)
			.status()).isEqualTo(404);

		assertThat(as(this.owner)
			.postJson("/api/v1/admin/keeper/requests/" + requestId + "/resolve", "{\"decision\":\"MAYBE\"}")
			.status()).isEqualTo(400);
		captureOutbox();
		Response settled;
		List<String> written;
		try {
			settled = as(this.owner).postJson("/api/v1/admin/keeper/requests/" + requestId + "/resolve",
					"{\"decision\":\"ALLOW\",\"reason\":\"Release approved by the security owner\"}");
			written = this.jdbc.queryForList("select payload from keeper_test_outbox where payload like ?",
					String.class, "%" + requestId + "%");
		}
		finally {
			releaseOutbox();
		}
		assertThat(written).as("the decision entry and the channel event")
			.anyMatch(payload -> payload.contains("keeper.request_resolved"))
			.anyMatch(payload -> payload.contains("\"type\":\"keeper_event\"")
					&& payload.contains("\"credential_name\":\"anthropic-prod\""));
		assertThat(settled.status()).as(settled.body()).isEqualTo(200);
		assertThat(settled.json().get("decision").asString()).isEqualTo("ALLOW");
		assertThat(settled.json().get("reason").asString()).isEqualTo("Release approved by the security owner");
		assertThat(settled.json().get("decided_at").isNull()).isFalse();
		Response again = as(this.owner).postJson("/api/v1/admin/keeper/requests/" + requestId + "/resolve",
				"{\"decision\":\"DENY\"}");
		assertThat(again.status()).as("already settled").isEqualTo(409);
		assertThat(again.header("Content-Type")).startsWith("application/problem+json");
		assertThat(as(this.owner).postJson("/api/v1/admin/keeper/requests/kpr_nope/resolve", "{\"decision\":\"DENY\"}")
			.status()).isEqualTo(404);
		assertThat(internal().get("/api/v1/internal/keeper/request/" + requestId + "?workspace_id=" + this.workspaceId)
			.json()
			.get("decision")
			.asString()).isEqualTo("ALLOW");

		JsonNode history = as(this.owner).get("/api/v1/admin/keeper/requests/" + requestId + "/events").json();
		assertThat(history).hasSize(3);
		assertThat(List.of(history.get(0).get("state").asString(), history.get(1).get("state").asString(),
				history.get(2).get("state").asString()))
			.containsExactly("PENDING", "ESCALATE", "ALLOW");
		assertThat(history.get(0).get("actor_type").asString()).isEqualTo("agent");
		assertThat(history.get(1).get("actor_type").asString()).isEqualTo("keeper");
		assertThat(history.get(2).get("actor_type").asString()).isEqualTo("user");
		assertThat(history.get(2).get("actor_id").asString()).isEqualTo(this.owner);
		assertThat(history.get(2).get("credential_name").asString()).isEqualTo("anthropic-prod");

		JsonNode page = as(this.owner).get("/api/v1/admin/keeper/requests?limit=10").json();
		assertThat(page.get("count").asInt()).isEqualTo(1);
		JsonNode log = page.get("requests");
		assertThat(log).hasSize(1);
		assertThat(log.get(0).get("decision").asString()).isEqualTo("ALLOW");
		assertThat(log.get(0).get("agent_name").asString()).isEqualTo("Viktor");
		assertThat(log.get(0).get("request_type").asString()).isEqualTo("credential");
		assertThat(log.get(0).get("ollama_prompt").asString()).contains("analyse code");
		assertThat(log.get(0).has("command")).as("omitted when null").isFalse();
		assertThat(as(this.owner).get("/api/v1/admin/keeper/requests?limit=201").status()).isEqualTo(400);
		assertThat(as(this.owner).get("/api/v1/admin/keeper/requests?request_type=nope").status()).isEqualTo(400);
		assertThat(this.jdbc
			.queryForObject("select count(*) from keeper_request_events where request_id = ?", Integer.class, requestId)
			.intValue()).isEqualTo(3);
		assertThat(updateHistory(requestId)).as("the history is append-only").contains("append-only");

		JsonNode status = as(this.owner).get("/api/v1/system/keeper").json();
		assertThat(status.get("enabled").asBoolean()).isTrue();
		assertThat(status.get("gatekeeper_configured").asBoolean()).isTrue();
		assertThat(status.get("total_requests").asInt()).isEqualTo(1);
		assertThat(status.get("allow_count").asInt()).isEqualTo(1);
		assertThat(status.get("secret_count").asInt()).isEqualTo(1);
		assertThat(status.get("model").asString()).isEqualTo(MODEL);

		Response purged = as(this.owner).delete("/api/v1/admin/keeper/requests");
		assertThat(purged.json().get("deleted_requests").asInt()).isEqualTo(1);
		assertThat(purged.json().get("deleted_events").asInt()).isEqualTo(3);
		assertThat(as(this.owner).get("/api/v1/admin/keeper/requests").json().get("requests")).isEmpty();
	}

	@Test
	void theAgentsOwnerCannotApproveItsOwnRequestWhereFourEyesApply() {
		String creator = member(WorkspaceRole.ADMIN);
		String ownAgent = Cuid.next();
		EventEnvelope created = new EventEnvelope(Cuid.next(), "agent.created", this.workspaceId, ownAgent, creator,
				Instant.now(), JSON.valueToTree(Map.of("id", ownAgent, "crew_id", this.crewId, "name", "Mine")));
		this.directory.apply(created);
		this.agentId = ownAgent;
		createCredential("release-key", "k-" + Cuid.next());
		enableJudge(null);
		String first = ask("release-key").json().get("request_id").asString();
		assertThat(
				as(creator).postJson("/api/v1/admin/keeper/requests/" + first + "/resolve", "{\"decision\":\"ALLOW\"}")
					.status())
			.as("no second approver required at L1")
			.isEqualTo(200);

		assertThat(
				put(as(this.owner), "/api/v1/admin/keeper/governance", "{\"require_second_approver\":true}").status())
			.isEqualTo(200);
		String second = ask("release-key").json().get("request_id").asString();
		Response self = as(creator).postJson("/api/v1/admin/keeper/requests/" + second + "/resolve",
				"{\"decision\":\"ALLOW\"}");
		assertThat(self.status()).as(self.body()).isEqualTo(403);
		assertThat(
				as(creator).postJson("/api/v1/admin/keeper/requests/" + second + "/resolve", "{\"decision\":\"DENY\"}")
					.status())
			.as("denying one's own is no risk")
			.isEqualTo(200);
		String third = ask("release-key").json().get("request_id").asString();
		assertThat(as(this.owner)
			.postJson("/api/v1/admin/keeper/requests/" + third + "/resolve", "{\"decision\":\"ALLOW\"}")
			.status()).as("another admin approves").isEqualTo(200);
	}

	@Test
	void twoConcurrentSettlementsCannotBothWin() throws Exception {
		createCredential("deploy-key", "k-" + Cuid.next());
		enableJudge(null);
		String requestId = ask("deploy-key").json().get("request_id").asString();
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Callable<Integer>> calls = new ArrayList<>();
			for (String decision : List.of("ALLOW", "DENY", "ALLOW", "DENY")) {
				calls.add(
						() -> as(this.owner)
							.postJson("/api/v1/admin/keeper/requests/" + requestId + "/resolve",
									"{\"decision\":\"" + decision + "\"}")
							.status());
			}
			List<Integer> statuses = new ArrayList<>();
			for (Future<Integer> done : pool.invokeAll(calls)) {
				statuses.add(done.get());
			}
			assertThat(statuses).containsOnly(200, 409);
			assertThat(statuses.stream().filter(s -> s == 200).count()).isOne();
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.jdbc.queryForObject(
				"select count(*) from keeper_request_events where request_id = ? and actor_type = 'user'",
				Integer.class, requestId))
			.isOne();
	}

	@Test
	void aJudgeThatFailsEscalatesAndShowsInHealth() {
		createCredential("npm-publish", "npm_" + Cuid.next());
		JsonNode empty = as(this.owner).get("/api/v1/admin/keeper/health").json();
		assertThat(empty.get("samples").asInt()).isZero();
		assertThat(empty.has("alarm")).isFalse();
		assertThat(ask("npm-publish").status()).as("Keeper is off by default").isEqualTo(503);

		enableJudge(null);
		this.judge.stubFor(post("/api/generate").willReturn(aResponse().withStatus(500)));
		Response asked = ask("npm-publish");
		assertThat(asked.json().get("decision").asString()).as("never allowed by default").isEqualTo("ESCALATE");
		verdict("ALLOW", 2);
		assertThat(ask("npm-publish").json().get("decision").asString()).isEqualTo("ALLOW");
		verdict("ALLOW", 9);
		assertThat(ask("npm-publish").json().get("decision").asString()).as("risk 9 escalates from 7")
			.isEqualTo("ESCALATE");

		JsonNode health = as(this.owner).get("/api/v1/admin/keeper/health").json();
		assertThat(health.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(health.get("samples").asInt()).isEqualTo(3);
		assertThat(health.get("allow").asInt()).isEqualTo(1);
		assertThat(health.get("escalate").asInt()).isEqualTo(2);
		assertThat(health.get("judge_failures").asInt()).isEqualTo(1);
		assertThat(health.get("judge_failure_rate").asDouble()).isEqualTo(0.333);
		assertThat(health.get("min_samples").asInt()).isEqualTo(20);

		assertThat(ask("no-such-credential").status()).isEqualTo(404);
		Response forged = internal().postJson("/api/v1/internal/keeper/request?workspace_id=" + this.workspaceId,
				"{\"workspace_id\":\"other\",\"requesting_agent_id\":\"" + this.agentId
						+ "\",\"credential_name\":\"npm-publish\",\"intent\":\"x\"}");
		assertThat(forged.status()).isEqualTo(400);
		assertThat(as(this.owner)
			.postJson("/api/v1/internal/keeper/request?workspace_id=" + this.workspaceId,
					"{\"requesting_agent_id\":\"" + this.agentId
							+ "\",\"credential_name\":\"npm-publish\",\"intent\":\"x\"}")
			.status()).as("only the internal caller").isEqualTo(404);
	}

	@Test
	void judgeTestReportsStagesAndProbesAreBudgeted() {
		enableJudge(null);
		Response ok = as(this.owner).postJson("/api/v1/admin/keeper/judge/test", null);
		assertThat(ok.status()).as(ok.body()).isEqualTo(200);
		assertThat(ok.json().get("ok").asBoolean()).isTrue();
		assertThat(ok.json().get("stages")).hasSize(3);
		assertThat(ok.json().get("decision").asString()).isEqualTo("ESCALATE");
		Response missing = as(this.owner).postJson("/api/v1/admin/keeper/judge/test",
				"{\"judge_model\":\"mistral:7b\"}");
		assertThat(missing.json().get("ok").asBoolean()).isFalse();
		assertThat(missing.json().get("stages").get(1).get("ok").asBoolean()).isFalse();
		assertThat(missing.json().get("stages").get(2).get("skipped").asBoolean()).isTrue();
		Response unreachable = as(this.owner).get("/api/v1/admin/keeper/judge/models?endpoint=http://localhost:1");
		assertThat(unreachable.status()).isEqualTo(200);
		assertThat(unreachable.json().get("models")).isEmpty();
		assertThat(unreachable.json().get("error").asString()).isNotBlank();

		Response slot = as(this.owner).postJson("/api/v1/admin/keeper/aux/curator/probe", null);
		assertThat(slot.status()).as(slot.body()).isEqualTo(200);
		assertThat(slot.json().get("model").asString()).isEqualTo(MODEL);
		assertThat(as(this.owner).postJson("/api/v1/admin/keeper/aux/nope/probe", null).status()).isEqualTo(400);

		Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
		try {
			for (Instant window : List.of(minute, minute.plus(1, ChronoUnit.MINUTES))) {
				this.jdbc.update("""
						insert into keeper_probe_budget (window_start, used) values (?, 100000)
						on conflict (window_start) do update set used = 100000
						""", Timestamp.from(window));
			}
			Response limited = as(this.owner).get("/api/v1/admin/keeper/judge/models");
			assertThat(limited.status()).isEqualTo(429);
			assertThat(limited.header("Retry-After")).isNotBlank();
			assertThat(as(this.owner).postJson("/api/v1/admin/keeper/judge/test", null).status()).isEqualTo(429);
		}
		finally {
			this.jdbc.update("delete from keeper_probe_budget");
		}
	}

	@Test
	void aHostedJudgeTestReportsAnUnusableKeyAsAStage() {
		assertThat(as(this.owner).postJson("/api/v1/admin/keeper/judge/test-hosted", "{\"provider\":\"anthropic\"}")
			.status()).as("model is required").isEqualTo(400);
		assertThat(as(this.owner)
			.postJson("/api/v1/admin/keeper/judge/test-hosted", "{\"provider\":\"ollama\",\"model\":\"m\"}")
			.status()).isEqualTo(400);
		String url = as(this.owner)
			.postJson("/api/v1/credentials",
					"{\"name\":\"not-a-key\",\"type\":\"ENDPOINT_URL\",\"value\":\"https://example.com/x\"}")
			.json()
			.get("id")
			.asString();
		for (String credential : List.of(",\"credential_id\":\"" + url + "\"", ",\"credential_id\":\"cred_elsewhere\"",
				"")) {
			Response tested = as(this.owner).postJson("/api/v1/admin/keeper/judge/test-hosted",
					"{\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-20250514\"" + credential + "}");
			assertThat(tested.status()).as(tested.body()).isEqualTo(200);
			assertThat(tested.json().get("ok").asBoolean()).isFalse();
			assertThat(tested.json().get("stages").get(0).get("name").asString()).isEqualTo("key");
			assertThat(tested.json().get("stages").get(0).get("ok").asBoolean()).isFalse();
			assertThat(tested.json().get("stages").get(1).get("skipped").asBoolean()).as("nothing dialled").isTrue();
		}
	}

	@Test
	void evaluatorSlotsAreOverriddenAndCleared() {
		JsonNode aux = as(this.owner).get("/api/v1/admin/keeper/aux").json();
		assertThat(aux.get("slots")).hasSize(4);
		assertThat(aux.get("providers").toString()).isEqualTo("[\"anthropic\",\"openai\",\"ollama\"]");
		assertThat(aux.get("any_overridden").asBoolean()).isFalse();
		assertThat(aux.get("slots").get(0).get("slot").asString()).isEqualTo("curator");
		assertThat(aux.get("slots").get(0).get("provider").get("source").asString()).isEqualTo("keeper_config");

		String apiKey = createCredential("anthropic-aux", "sk-ant-" + Cuid.next());
		Response endpoint = as(this.owner).postJson("/api/v1/credentials",
				"{\"name\":\"some-url\",\"type\":\"ENDPOINT_URL\",\"value\":\"https://example.com/x\"}");
		String endpointId = endpoint.json().get("id").asString();
		for (String body : List.of("{\"provider\":\"openai_compat\"}", "{\"timeout_ms\":5}",
				"{\"credential_id\":\"" + endpointId + "\"}", "{\"credential_id\":\"cred_nope\"}")) {
			assertThat(put(as(this.owner), "/api/v1/admin/keeper/aux/curator", body).status()).as(body).isEqualTo(400);
		}
		assertThat(put(as(this.owner), "/api/v1/admin/keeper/aux/nope", "{\"model\":\"x\"}").status()).isEqualTo(400);
		Response set = put(as(this.owner), "/api/v1/admin/keeper/aux/skill-review", """
				{"provider":"anthropic","model":"claude-sonnet-4-20250514","credential_id":"%s"}""".formatted(apiKey));
		assertThat(set.status()).as(set.body()).isEqualTo(200);
		JsonNode curator = set.json().get("slots").get(0);
		assertThat(curator.get("overridden").asBoolean()).isTrue();
		assertThat(curator.get("provider").get("value").asString()).isEqualTo("anthropic");
		assertThat(curator.get("credential_id").get("value").asString()).isEqualTo(apiKey);
		assertThat(set.json().get("any_overridden").asBoolean()).isTrue();
		assertThat(put(as(this.owner), "/api/v1/admin/keeper/aux/behavior",
				"{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\"}")
			.status()).isEqualTo(200);
		assertThat(as(this.owner).postJson("/api/v1/admin/keeper/aux/behavior/probe", null).status())
			.as("a hosted slot without a key is not configured")
			.isEqualTo(400);

		assertThat(as(this.owner).postJson("/api/v1/admin/keeper/aux/use-judge", null).status()).as("no judge yet")
			.isEqualTo(400);
		enableJudge(null);
		JsonNode pointed = as(this.owner).postJson("/api/v1/admin/keeper/aux/use-judge", null).json();
		assertThat(pointed.get("slots").get(3).get("model").get("value").asString()).isEqualTo(MODEL);
		assertThat(pointed.get("slots").get(0).get("credential_id").get("value").asString()).isEmpty();

		assertThat(send(as(this.owner), "DELETE", "/api/v1/admin/keeper/aux/negative", null).json()
			.get("slots")
			.get(3)
			.get("overridden")
			.asBoolean()).isFalse();
		assertThat(send(as(this.owner), "DELETE", "/api/v1/admin/keeper/aux/nope", null).status()).isEqualTo(400);
		assertThat(send(as(this.owner), "DELETE", "/api/v1/admin/keeper/aux", null).json()
			.get("any_overridden")
			.asBoolean()).isFalse();
	}

	@Test
	void governanceValidatesAndReportsTheEnforcedRule() {
		JsonNode initial = as(this.owner).get("/api/v1/admin/keeper/governance").json();
		assertThat(initial.get("configured").asBoolean()).isFalse();
		assertThat(initial.get("effective_second_approver").get("source").asString()).isEqualTo("tier");
		assertThat(initial.get("effective_second_approver").get("min_security_level").asInt()).isEqualTo(4);
		String member = member(WorkspaceRole.MEMBER);
		for (String body : List.of("{\"deny_notify_min_risk\":11}", "{\"auto_lease_seconds\":30}",
				"{\"gov_model_provider\":\"mystery\"}", "{\"security_contact_user_id\":\"" + member + "\"}",
				"{\"gov_model_credential_id\":\"cred_nope\"}", "{\"watch_presets\":[\"Not Valid!\"]}")) {
			assertThat(put(as(this.owner), "/api/v1/admin/keeper/governance", body).status()).as(body).isEqualTo(400);
		}
		String admin = member(WorkspaceRole.ADMIN);
		Response saved = put(as(this.owner), "/api/v1/admin/keeper/governance", """
				{"enabled":true,"security_contact_user_id":"%s","deny_notify_min_risk":5,"require_second_approver":true,
				 "auto_lease_seconds":3600,"gov_model_provider":"openai_compat","gov_model_id":"gpt-x",
				 "watch_presets":["exfiltration"]}""".formatted(admin));
		assertThat(saved.status()).as(saved.body()).isEqualTo(200);
		JsonNode gov = saved.json();
		assertThat(gov.get("configured").asBoolean()).isTrue();
		assertThat(gov.get("security_contact_user_id").asString()).isEqualTo(admin);
		assertThat(gov.get("effective_second_approver").get("source").asString()).isEqualTo("workspace");
		assertThat(gov.get("effective_second_approver").get("min_security_level").asInt()).isEqualTo(1);
		assertThat(put(as(this.owner), "/api/v1/admin/keeper/governance", "{\"deny_notify_min_risk\":6}").json()
			.get("security_contact_user_id")
			.asString()).as("a partial merge keeps the rest").isEqualTo(admin);
	}

	@Test
	void capabilitiesThisServerLacksAnswer503() {
		for (String path : List.of("/api/v1/admin/keeper/review/behavior/run", "/api/v1/admin/keeper/ask",
				"/api/v1/admin/keeper/findings/test")) {
			Response answer = as(this.owner).postJson(path, "{}");
			assertThat(answer.status()).as(path).isEqualTo(503);
			assertThat(answer.json().get("detail").asString()).contains("capability unavailable");
		}
		assertThat(as(this.owner).postJson("/api/v1/admin/keeper/review/nope/run", "{}").status()).isEqualTo(400);
		assertThat(as(member(WorkspaceRole.MEMBER)).postJson("/api/v1/admin/keeper/ask", "{}").status()).isEqualTo(403);
		assertThat(
				internal().postJson("/api/v1/internal/keeper/behavior?workspace_id=" + this.workspaceId, "{}").status())
			.isEqualTo(503);
	}

	/** Copies what is written to the outbox (the relay deletes it once sent). */
	private void captureOutbox() {
		this.jdbc.execute("""
				create table if not exists keeper_test_outbox (payload text);
				create or replace function keeper_test_capture() returns trigger language plpgsql as $$
				begin insert into keeper_test_outbox values (new.payload); return new; end $$;
				drop trigger if exists keeper_test_capture on platform_outbox;
				create trigger keeper_test_capture after insert on platform_outbox for each row
				 execute function keeper_test_capture();
				""");
	}

	private void releaseOutbox() {
		this.jdbc.execute("""
				drop trigger if exists keeper_test_capture on platform_outbox;
				drop function if exists keeper_test_capture(); drop table if exists keeper_test_outbox;
				""");
	}

	private String updateHistory(String requestId) {
		try {
			this.jdbc.update("update keeper_request_events set reason = 'rewritten' where request_id = ?", requestId);
			return "updated";
		}
		catch (RuntimeException ex) {
			return String.valueOf(ex.getMessage());
		}
	}

	/** Every text-like and binary column of the schema that holds the needle. */
	private List<String> plaintextHits(String needle) {
		List<String> hits = new ArrayList<>();
		byte[] bytes = needle.getBytes(StandardCharsets.UTF_8);
		for (Map<String, Object> column : this.jdbc.queryForList("""
				select table_name, column_name, data_type from information_schema.columns
				 where table_schema = current_schema()
				   and data_type in ('text', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY')
				""")) {
			if ("bytea".equals(column.get("data_type"))) {
				for (byte[] value : this.jdbc.queryForList(
						"select \"%s\" from \"%s\"".formatted(column.get("column_name"), column.get("table_name")),
						byte[].class)) {
					if (value != null && new String(value, StandardCharsets.ISO_8859_1)
						.contains(new String(bytes, StandardCharsets.ISO_8859_1))) {
						hits.add(column.get("table_name") + "." + column.get("column_name"));
					}
				}
			}
			else {
				for (String value : this.jdbc.queryForList("select \"%s\"::text from \"%s\""
					.formatted(column.get("column_name"), column.get("table_name")), String.class)) {
					if (value != null && value.contains(needle)) {
						hits.add(column.get("table_name") + "." + column.get("column_name"));
					}
				}
			}
		}
		return hits;
	}

}
