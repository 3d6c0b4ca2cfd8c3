package crewship.mission.missions;

import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The Missions page's CRUD, status table, tasks, clone, checkpoints and events. */
class MissionApiTests extends MissionsTestSupport {

	@Test
	void aMissionIsCreatedLedByTheCrewsLeadAndListedInTheWorkspaceAndTheCrew() {
		JsonNode mission = createMission("Implement auth");
		String id = mission.get("id").asString();
		assertThat(mission.get("status").asString()).isEqualTo("PLANNING");
		assertThat(mission.get("lead_agent_id").asString()).isEqualTo(this.crew.leadId());
		assertThat(mission.get("lead_agent_name").asString()).isEqualTo("Lead " + this.crew.slug());
		assertThat(mission.get("crew_id").asString()).isEqualTo(this.crew.id());
		assertThat(mission.get("trace_id").asString()).isEqualTo("mission-" + id);

		Response workspaceList = this.owner.get(ws("/api/v1/missions"));
		assertThat(workspaceList.status()).isEqualTo(200);
		assertThat(workspaceList.json()).hasSize(1);
		assertThat(workspaceList.json().get(0).has("tasks")).as("tasks only with include_tasks").isFalse();
		assertThat(workspaceList.json().get(0).get("task_stats").get("total").asInt()).isZero();
		task(id, "First");
		JsonNode withTasks = this.owner.get(ws("/api/v1/missions?include_tasks=true")).json();
		assertThat(withTasks.get(0).get("tasks")).hasSize(1);
		assertThat(withTasks.get(0).get("task_stats").get("pending").asInt()).isEqualTo(1);
		assertThat(this.owner.get(ws("/api/v1/missions?status=IN_PROGRESS")).json()).isEmpty();
		assertThat(this.owner.get(ws("/api/v1/missions?status=PLANNING")).json()).hasSize(1);
		assertThat(this.owner.get(ws("/api/v1/missions?limit=101")).status()).isEqualTo(400);

		// the crew by id and by slug
		assertThat(this.owner.get(ws(missions())).json()).hasSize(1);
		assertThat(this.owner.get(ws("/api/v1/crews/" + this.crew.slug() + "/missions")).json()).hasSize(1);
		assertThat(this.owner.get(ws("/api/v1/crews/" + this.crew.slug() + "/missions/" + id)).status()).isEqualTo(200);
		Crew other = newCrew("Other");
		assertThat(this.owner.get(ws("/api/v1/crews/" + other.id() + "/missions")).json()).isEmpty();
		assertProblem(this.owner.get(ws("/api/v1/crews/" + other.id() + "/missions/" + id)), 404, "not found");

		// not a member: refused (404, or 503 while auth-service cannot be asked)
		String stranger = crewship.platform.ids.Cuid.next();
		assertThat(as(stranger).get(ws("/api/v1/missions")).status()).isIn(404, 503);
	}

	@Test
	void creatingNeedsATitleAndALeadOfThisCrewAndAWritingRole() {
		assertProblem(this.owner.postJson(ws(missions()), "{\"lead_agent_id\":\"" + this.crew.leadId() + "\"}"), 400,
				"title");
		assertProblem(this.owner.postJson(ws(missions()), "{\"title\":\"T\"}"), 400, "lead_agent_id");
		String worker = agent(this.crew.id(), "Worker");
		assertProblem(this.owner.postJson(ws(missions()), "{\"title\":\"T\",\"lead_agent_id\":\"" + worker + "\"}"),
				400, "not a LEAD");
		Crew other = newCrew("Other");
		assertProblem(
				this.owner.postJson(ws(missions()), "{\"title\":\"T\",\"lead_agent_id\":\"" + other.leadId() + "\"}"),
				400, "not an agent of crew");
		TestHttp member = newMember(WorkspaceRole.MEMBER);
		assertProblem(
				member.postJson(ws(missions()), "{\"title\":\"T\",\"lead_agent_id\":\"" + this.crew.leadId() + "\"}"),
				403, "MEMBER");
		assertThat(member.get(ws("/api/v1/missions")).status()).as("members read").isEqualTo(200);
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		assertThat(manager
			.postJson(ws(missions()), "{\"title\":\"By a manager\",\"lead_agent_id\":\"" + this.crew.leadId() + "\"}")
			.status()).isEqualTo(201);
	}

	@Test
	void statusMovesFollowThePageAndOnlyPlanningOrCancelledMissionsAreDeleted() {
		String id = createMission("Moves").get("id").asString();
		Response renamed = patch(this.owner, ws(mission(id)), "{\"title\":\"Renamed\",\"plan\":\"1. a\\n2. b\"}");
		assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
		assertThat(renamed.json().get("title").asString()).isEqualTo("Renamed");
		assertThat(renamed.json().get("plan").asString()).startsWith("1. a");
		assertProblem(patch(this.owner, ws(mission(id)), "{\"status\":\"COMPLETED\"}"), 400,
				"Invalid status transition from PLANNING to COMPLETED");
		assertProblem(patch(this.owner, ws(mission(id)), "{\"status\":\"DONE\"}"), 400, "Unknown mission status");

		String started = createMission("Started").get("id").asString();
		taskWith(started, "One", "Wait [[local:stall]]");
		assertThat(post(mission(started) + "/start").status()).isEqualTo(200);
		assertProblem(this.owner.delete(ws(mission(started))), 400, "PLANNING or CANCELLED");
		assertProblem(patch(this.owner, ws(mission(started)), "{\"status\":\"PLANNING\"}"), 400,
				"from IN_PROGRESS to PLANNING");
		Response cancelled = patch(this.owner, ws(mission(started)), "{\"status\":\"CANCELLED\"}");
		assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
		assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
		assertThat(cancelled.json().get("completed_at").isNull()).as("completed_at set").isFalse();
		assertProblem(patch(this.owner, ws(mission(started)), "{\"status\":\"IN_PROGRESS\"}"), 400, "from CANCELLED");
		assertThat(this.owner.delete(ws(mission(started))).status()).isEqualTo(204);
		assertThat(this.owner.get(ws(mission(started))).status()).isEqualTo(404);
		assertThat(this.owner.delete(ws(mission(id))).status()).as("PLANNING").isEqualTo(204);
		assertThat(this.owner.delete(ws(mission(id))).status()).isEqualTo(404);
	}

	@Test
	void tasksDependOnlyOnTasksOfTheirMissionAndNeverInACycle() {
		String id = createMission("DAG").get("id").asString();
		JsonNode a = task(id, "A");
		assertThat(a.get("status").asString()).isEqualTo("PENDING");
		assertThat(a.get("depends_on").asString()).isEqualTo("[]");
		JsonNode b = task(id, "B", a.get("id").asString());
		assertThat(b.get("status").asString()).as("waits for A").isEqualTo("BLOCKED");
		assertThat(b.get("depends_on").asString()).contains(a.get("id").asString());

		String other = createMission("Other").get("id").asString();
		String foreign = task(other, "Foreign").get("id").asString();
		assertProblem(this.owner.postJson(ws(mission(id) + "/tasks"),
				"{\"title\":\"C\",\"depends_on\":[\"" + foreign + "\"]}"), 400, "not a task of this mission");
		assertProblem(this.owner.postJson(ws(mission(id) + "/tasks"), "{\"description\":\"no title\"}"), 400, "title");

		// A depends on B closes a cycle: refused, A unchanged
		Response cycle = patch(this.owner, ws(mission(id) + "/tasks/" + a.get("id").asString()),
				"{\"depends_on\":\"[\\\"" + b.get("id").asString() + "\\\"]\"}");
		assertProblem(cycle, 400, "cycle");
		assertThat(taskOf(id, a.get("id").asString()).get("depends_on").asString()).isEqualTo("[]");
		assertProblem(
				patch(this.owner, ws(mission(id) + "/tasks/" + b.get("id").asString()),
						"{\"status\":\"SKIPPED\",\"depends_on\":\"[]\"}"),
				400, "Cannot update status and depends_on in the same request");
		assertProblem(
				patch(this.owner, ws(mission(id) + "/tasks/" + a.get("id").asString()), "{\"status\":\"COMPLETED\"}"),
				400, "from PENDING to COMPLETED");

		// B no longer depends on A: PENDING
		Response freed = patch(this.owner, ws(mission(id) + "/tasks/" + b.get("id").asString()),
				"{\"depends_on\":\"[]\",\"title\":\"B2\",\"token_count\":120,\"estimated_cost\":0.5}");
		assertThat(freed.status()).as(freed.body()).isEqualTo(200);
		assertThat(freed.json().get("status").asString()).isEqualTo("PENDING");
		assertThat(freed.json().get("title").asString()).isEqualTo("B2");
		assertThat(get(id).get("total_token_count").asLong()).isEqualTo(120);
		assertProblem(patch(this.owner, ws(mission(id) + "/tasks/nosuchtask"), "{\"title\":\"x\"}"), 404, "not found");
	}

	@Test
	void aCloneIsANewPlanningMissionWithItsTasksRewired() {
		String id = createMission("Original").get("id").asString();
		String a = task(id, "A").get("id").asString();
		task(id, "B", a);
		Response cloned = post(mission(id) + "/clone");
		assertThat(cloned.status()).as(cloned.body()).isEqualTo(201);
		String copy = cloned.json().get("id").asString();
		assertThat(copy).isNotEqualTo(id);
		assertThat(cloned.json().get("status").asString()).isEqualTo("PLANNING");
		JsonNode tasks = get(copy).get("tasks");
		assertThat(tasks).hasSize(2);
		JsonNode copiedA = tasks.valueStream().filter(t -> t.get("title").asString().equals("A")).findFirst().get();
		JsonNode copiedB = tasks.valueStream().filter(t -> t.get("title").asString().equals("B")).findFirst().get();
		assertThat(copiedA.get("id").asString()).isNotEqualTo(a);
		assertThat(copiedB.get("depends_on").asString()).isEqualTo("[\"" + copiedA.get("id").asString() + "\"]");
		assertThat(copiedB.get("status").asString()).isEqualTo("BLOCKED");
	}

	@Test
	void checkpointsBookmarkTheMissionAndListNewestFirst() {
		String id = createMission("Timeline").get("id").asString();
		String a = task(id, "A").get("id").asString();
		Response first = this.owner.postJson(ws("/api/v1/missions/" + id + "/checkpoints"), "{\"label\":\"green\"}");
		assertThat(first.status()).as(first.body()).isEqualTo(201);
		assertThat(first.json().get("label").asString()).isEqualTo("green");
		assertThat(first.json().get("journal_cursor").asString()).isNotBlank();
		assertThat(first.json().get("state").get("pending_tasks").get(0).asString()).isEqualTo(a);
		assertThat(first.json().get("created_by").asString()).isEqualTo(this.ownerId);
		Response second = this.owner.send("POST", ws("/api/v1/missions/" + id + "/checkpoints"), "application/json",
				"");
		assertThat(second.status()).as("the body is optional: " + second.body()).isEqualTo(201);
		JsonNode list = this.owner.get(ws("/api/v1/missions/" + id + "/checkpoints?limit=500")).json();
		assertThat(list.get("count").asInt()).isEqualTo(2);
		assertThat(list.get("checkpoints").get(0).get("id").asString()).isEqualTo(second.json().get("id").asString());
		assertThat(this.owner.get(ws("/api/v1/missions/" + id + "/checkpoints?limit=1")).json().get("count").asInt())
			.isEqualTo(1);
		assertProblem(this.owner.get(ws("/api/v1/missions/nosuch/checkpoints")), 404, "not found");
		assertProblem(this.owner.get("/api/v1/missions/" + id + "/checkpoints"), 401, "workspace");
		assertProblem(this.owner.get("/api/v1/missions"), 400, "workspace");
	}

	@Test
	void missionAndTaskEventsCarryTheirMissionAndCrew() {
		String id = createMission("Evented").get("id").asString();
		String taskId = task(id, "A").get("id").asString();
		List<JsonNode> events = events(id, 3);
		assertThat(events.stream().map(e -> e.get("type").asString())).containsSubsequence("mission.created",
				"mission.updated", "task.updated");
		JsonNode created = events.get(0);
		assertThat(created.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(created.get("data").get("crew_id").asString()).isEqualTo(this.crew.id());
		assertThat(created.get("data").get("mission_id").asString()).isEqualTo(id);
		JsonNode updated = events.get(1).get("data");
		assertThat(updated.get("status").asString()).isEqualTo("PLANNING");
		assertThat(updated.get("title").asString()).isEqualTo("Evented");
		JsonNode taskEvent = events.stream()
			.filter(e -> e.get("type").asString().equals("task.updated"))
			.findFirst()
			.orElseThrow();
		assertThat(taskEvent.get("subject").asString()).isEqualTo(taskId);
		assertThat(taskEvent.get("data").get("mission_id").asString()).isEqualTo(id);
		assertThat(taskEvent.get("data").get("crew_id").asString()).isEqualTo(this.crew.id());
		assertThat(taskEvent.get("data").get("status").asString()).isEqualTo("PENDING");
	}

	@Test
	void realtimeLearnsAMissionsWorkspaceFromTheInternalLookupOnly() {
		String id = createMission("Owned").get("id").asString();
		TestHttp internal = internal();
		JsonNode owner = internal.get("/api/v1/internal/missions/" + id).json();
		assertThat(owner.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(owner.get("crew_id").asString()).isEqualTo(this.crew.id());
		assertThat(internal.get("/api/v1/internal/missions/nosuch").status()).isEqualTo(404);
		assertThat(this.owner.get("/api/v1/internal/missions/" + id).status()).as("a user is told nothing")
			.isEqualTo(404);
	}

	@Test
	void metricsCountTheWorkspacesMissions() {
		createMission("One");
		String cancelled = createMission("Two").get("id").asString();
		patch(this.owner, ws(mission(cancelled)), "{\"status\":\"CANCELLED\"}");
		Response metrics = this.owner.get(ws("/api/v1/mission-metrics"));
		assertThat(metrics.status()).as(metrics.body()).isEqualTo(200);
		assertThat(metrics.json().get("total_missions").asLong()).isEqualTo(2);
		assertThat(metrics.json().get("active_missions").asLong()).isZero();
		assertThat(metrics.json().get("completed_24h").asLong()).isZero();
		assertThat(metrics.json().get("tasks_failed_24h").asLong()).isZero();
	}

}
