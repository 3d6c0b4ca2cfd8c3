package crewship.mission;

import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.mission.runs.NewRun;
import crewship.mission.runs.RunStatus;
import crewship.mission.runs.Trigger;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runs pages through HTTP: bodies in the reference's shapes (every 2xx is validated),
 * filters, tiles, insights, an agent's runs, logs and stop; another workspace's runs are
 * not found.
 */
class RunsApiTests extends MissionTestSupport {

	@Test
	void listShowsTheWorkspacesRunsWithNamesTilesAndPages() {
		String crewId = crew("Backend");
		String viktor = agent(crewId, "Viktor");
		String olga = agent(crewId, "Olga");
		String done = submit(viktor, crewId, "first");
		String failed = submit(olga, crewId, "[[local:fail]]");
		String tagged = submit(new NewRun(this.workspaceId, viktor, crewId, Trigger.WEBHOOK, "third", List.of(), null,
				null, null, null, List.of("urgent"), null, null));
		awaitStatus(done, RunStatus.COMPLETED);
		awaitStatus(failed, RunStatus.FAILED);
		awaitStatus(tagged, RunStatus.COMPLETED);

		JsonNode all = ok(this.owner.get(ws("/api/v1/runs")));
		assertThat(ids(all.get("data"))).containsExactly(tagged, failed, done);
		JsonNode first = all.get("data").get(2);
		assertThat(first.get("agent_name").asString()).isEqualTo("Viktor");
		assertThat(first.get("crew_name").asString()).isEqualTo("Backend");
		assertThat(first.get("trigger_type").asString()).isEqualTo("MANUAL");
		assertThat(first.get("triggered_by").asString()).isEqualTo(this.ownerId);
		assertThat(first.get("exit_code").asInt()).isZero();
		assertThat(first.has("model")).as("no model behind the local runtime").isFalse();
		assertThat(all.get("stats").get("today").asInt()).isEqualTo(3);
		assertThat(all.get("stats").get("failed").asInt()).isEqualTo(1);
		assertThat(all.get("stats").get("running").asInt()).isZero();
		assertThat(all.get("pagination").get("total").asInt()).isEqualTo(3);

		assertThat(ids(ok(this.owner.get(ws("/api/v1/runs?status=FAILED"))).get("data"))).containsExactly(failed);
		JsonNode failedRow = ok(this.owner.get(ws("/api/v1/runs?status=FAILED"))).get("data").get(0);
		assertThat(failedRow.get("error_message").asString()).contains("asked to fail");
		assertThat(failedRow.get("exit_code").asInt()).isEqualTo(1);
		assertThat(ids(ok(this.owner.get(ws("/api/v1/runs?agent_id=" + olga))).get("data"))).containsExactly(failed);
		assertThat(ids(ok(this.owner.get(ws("/api/v1/runs?trigger=webhook"))).get("data"))).containsExactly(tagged);
		assertThat(ids(ok(this.owner.get(ws("/api/v1/runs?tag=urgent"))).get("data"))).containsExactly(tagged);

		JsonNode page2 = ok(this.owner.get(ws("/api/v1/runs?page=2&limit=2")));
		assertThat(ids(page2.get("data"))).containsExactly(done);
		assertThat(page2.get("pagination").get("total_pages").asInt()).isEqualTo(2);
		JsonNode fallback = ok(this.owner.get(ws("/api/v1/runs?limit=1000&page=0")));
		assertThat(fallback.get("pagination").get("limit").asInt()).isEqualTo(50);
		assertThat(fallback.get("pagination").get("page").asInt()).isEqualTo(1);

		Response bad = this.owner.get(ws("/api/v1/runs?status=DONE"));
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
	}

	@Test
	void oneRunCarriesItsOutputAndAnotherWorkspacesRunIsNotFound() {
		String crewId = crew("Detail");
		String agentId = agent(crewId, "Ada");
		String runId = submit(agentId, crewId, "detail please");
		awaitStatus(runId, RunStatus.COMPLETED);
		JsonNode run = ok(this.owner.get(ws("/api/v1/runs/" + runId)));
		assertThat(run.get("id").asString()).isEqualTo(runId);
		assertThat(run.get("status").asString()).isEqualTo("COMPLETED");
		assertThat(run.get("output").asString()).contains("not a language model");
		assertThat(run.get("metadata").get("runtime").asString()).isEqualTo("local");
		assertThat(run.get("started_at").asString()).isNotBlank();
		assertThat(run.get("finished_at").asString()).isNotBlank();

		// a member of another workspace, asking in theirs: not found
		String otherWorkspace = Cuid.next();
		String stranger = Cuid.next();
		member(otherWorkspace, stranger, WorkspaceRole.OWNER);
		Response foreign = as(stranger).get("/api/v1/runs/" + runId + "?workspace_id=" + otherWorkspace);
		assertThat(foreign.status()).isEqualTo(404);
		// the same stranger naming this workspace: not a member, not found either
		assertThat(as(stranger).get(ws("/api/v1/runs/" + runId)).status()).isEqualTo(404);
		assertThat(as(stranger).get(ws("/api/v1/runs")).status()).isEqualTo(404);
		assertThat(this.owner.get(ws("/api/v1/runs/" + Cuid.next())).status()).isEqualTo(404);
		assertThat(this.owner.get("/api/v1/runs").status()).as("no workspace context").isEqualTo(401);
	}

	@Test
	void insightsAggregateTheWindow() {
		String crewId = crew("Insights");
		String agentId = agent(crewId, "Ida");
		String a = submit(agentId, crewId, "one");
		String b = submit(agentId, crewId, "[[local:fail]]");
		awaitStatus(a, RunStatus.COMPLETED);
		awaitStatus(b, RunStatus.FAILED);
		JsonNode insights = ok(this.owner.get(ws("/api/v1/runs/insights?window=7d")));
		assertThat(insights.get("window").asString()).isEqualTo("7d");
		assertThat(insights.get("totals").get("total").asInt()).isEqualTo(2);
		assertThat(insights.get("totals").get("succeeded").asInt()).isEqualTo(1);
		assertThat(insights.get("totals").get("failed").asInt()).isEqualTo(1);
		assertThat(insights.get("by_trigger").get(0).get("key").asString()).isEqualTo("MANUAL");
		assertThat(insights.get("by_crew").get(0).get("name").asString()).isEqualTo("Insights");
		assertThat(insights.get("top_agents").get(0).get("name").asString()).isEqualTo("Ida");
		assertThat(insights.get("top_agents").get(0).get("total").asInt()).isEqualTo(2);
		assertThat(insights.get("truncated").asBoolean()).isFalse();
		assertThat(ok(this.owner.get(ws("/api/v1/runs/insights"))).get("window").asString()).isEqualTo("24h");
		assertThat(this.owner.get(ws("/api/v1/runs/insights?window=1y")).status()).isEqualTo(400);
	}

	@Test
	void agentRunsLogsAndStop() {
		String crewId = crew("Agents");
		String agentId = agent(crewId, "Logan");
		String manual = submit(agentId, crewId, "log me");
		String webhook = submit(new NewRun(this.workspaceId, agentId, crewId, Trigger.WEBHOOK, "hook", List.of(), null,
				null, null, null, List.of(), null, null));
		awaitStatus(manual, RunStatus.COMPLETED);
		awaitStatus(webhook, RunStatus.COMPLETED);
		JsonNode runs = ok(this.owner.get(ws("/api/v1/agents/" + agentId + "/runs")));
		assertThat(ids(runs)).containsExactly(webhook, manual);
		assertThat(ids(ok(this.owner.get(ws("/api/v1/agents/" + agentId + "/runs?trigger_type=WEBHOOK")))))
			.containsExactly(webhook);
		// without a workspace in the request: the agent's own, for its members only
		JsonNode inAgentsWorkspace = ok(this.owner.get("/api/v1/agents/" + agentId + "/runs"));
		assertThat(ids(inAgentsWorkspace)).containsExactly(webhook, manual);
		assertThat(inAgentsWorkspace.get(0).get("crew_id").asString()).isEqualTo(crewId);
		assertThat(as(Cuid.next()).get("/api/v1/agents/" + agentId + "/runs").status()).isEqualTo(404);

		JsonNode logs = ok(this.owner.get(ws("/api/v1/agents/" + agentId + "/logs")));
		assertThat(logs.get("agent_id").asString()).isEqualTo(agentId);
		List<String> lines = strings(logs.get("logs"));
		assertThat(lines).anySatisfy(line -> assertThat(line).contains("run.started").contains(manual));
		assertThat(lines).anySatisfy(line -> assertThat(line).contains("run.completed").contains(webhook));
		assertThat(lines).anySatisfy(line -> assertThat(line).contains("not a language model"));
		assertThat(strings(ok(this.owner.get(ws("/api/v1/agents/" + agentId + "/logs?limit=1"))).get("logs")))
			.hasSize(1);

		String stalled = submit(agentId, crewId, "[[local:stall]]");
		awaitStatus(stalled, RunStatus.RUNNING);
		TestHttp viewer = newMember(WorkspaceRole.VIEWER);
		assertThat(viewer.postJson(ws("/api/v1/agents/" + agentId + "/stop"), "{}").status()).isEqualTo(403);
		long asked = System.nanoTime();
		JsonNode stopped = ok(this.owner.postJson(ws("/api/v1/agents/" + agentId + "/stop"), "{}"));
		assertThat(stopped.get("success").asBoolean()).isTrue();
		assertThat(stopped.get("message").asString()).contains("1 run");
		await("stopped", java.time.Duration.ofSeconds(3), () -> status(stalled) == RunStatus.CANCELLED);
		assertThat((System.nanoTime() - asked) / 1_000_000).isLessThan(2000);
		assertThat(ok(this.owner.postJson(ws("/api/v1/agents/" + agentId + "/stop"), "{}")).get("status").asString())
			.isEqualTo("idle");

		assertThat(this.owner.get(ws("/api/v1/agents/" + Cuid.next() + "/runs")).status()).isEqualTo(404);
		assertThat(this.owner.get(ws("/api/v1/agents/" + Cuid.next() + "/logs")).status()).isEqualTo(404);
		assertThat(this.owner.postJson(ws("/api/v1/agents/" + Cuid.next() + "/stop"), "{}").status()).isEqualTo(404);
	}

	@Test
	void engineStatusIsForInternalCallersOnly() {
		assertThat(this.owner.get("/api/v1/internal/engine").status()).isEqualTo(404);
		Response status = internal().get("/api/v1/internal/engine");
		assertThat(status.status()).as(status.body()).isEqualTo(200);
		JsonNode engine = status.json();
		assertThat(engine.get("status").asString()).isEqualTo("running");
		assertThat(engine.get("replica_id").asString()).isEqualTo("test-main");
		assertThat(engine.get("replicas_up").asInt()).isGreaterThanOrEqualTo(1);
		assertThat(engine.has("queue_depth")).isTrue();
		assertThat(engine.has("runs_in_flight")).isTrue();
		// the router of the llm part is the engine's one runtime (local for agents
		// without a key)
		assertThat(engine.get("runtime").asString()).isEqualTo("RuntimeRouter");
	}

	private static JsonNode ok(Response response) {
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	private static List<String> ids(JsonNode runs) {
		return runs.valueStream().map(run -> run.get("id").asString()).toList();
	}

	private static List<String> strings(JsonNode array) {
		return array.valueStream().map(JsonNode::asString).toList();
	}

}
