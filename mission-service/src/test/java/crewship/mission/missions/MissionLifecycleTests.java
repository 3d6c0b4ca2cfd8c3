package crewship.mission.missions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import crewship.mission.runs.RunStatus;
import crewship.platform.events.Topics;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start, the engine working a mission's DAG on the local runtime, the LEAD's review,
 * failure, resume, restart, retries, skip and cancel — with the real run engine.
 */
class MissionLifecycleTests extends MissionsTestSupport {

	@Test
	void aMissionWithoutTasksOrWithACycleDoesNotStart() {
		String empty = createMission("Empty").get("id").asString();
		assertProblem(post(mission(empty) + "/start"), 400, "no tasks");
		assertThat(missionStatus(empty)).isEqualTo("PLANNING");

		String cyclic = createMission("Cyclic").get("id").asString();
		String a = task(cyclic, "A").get("id").asString();
		String b = task(cyclic, "B", a).get("id").asString();
		// a cycle written behind the API's back (an older row, a bug): start still
		// refuses
		this.jdbc.update("update mission_task set depends_on = ? where id = ?", "[\"" + b + "\"]", a);
		assertProblem(post(mission(cyclic) + "/start"), 400, "cycle");
		assertThat(missionStatus(cyclic)).as("rolled back").isEqualTo("PLANNING");
		assertThat(runsOf(cyclic)).isEmpty();
	}

	@Test
	void ofTwoConcurrentStartsExactlyOneWins() throws Exception {
		for (int round = 0; round < 3; round++) {
			String id = createMission("Race " + round).get("id").asString();
			taskWith(id, "A", "[[local:stall]]");
			CountDownLatch go = new CountDownLatch(1);
			List<Future<Response>> answers = new ArrayList<>();
			try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
				for (int i = 0; i < 2; i++) {
					answers.add(pool.submit(() -> {
						go.await();
						return post(mission(id) + "/start");
					}));
				}
				go.countDown();
				List<Integer> statuses = new ArrayList<>();
				for (Future<Response> answer : answers) {
					statuses.add(answer.get().status());
				}
				assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(200, 409);
			}
			assertThat(runsOf(id)).as("the task ran once").hasSize(1);
			patch(this.owner, ws(mission(id)), "{\"status\":\"CANCELLED\"}");
		}
	}

	@Test
	void aThreeTaskMissionRunsItsDagThenTheLeadReviewsItToCompleted() {
		String id = createMission("Ship it").get("id").asString();
		String worker = agent(this.crew.id(), "Worker");
		String a = task(id, "Research").get("id").asString();
		Response assigned = patch(this.owner, ws(mission(id) + "/tasks/" + a),
				"{\"assigned_agent_id\":\"" + worker + "\"}");
		assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
		assertThat(assigned.json().get("agent_name").asString()).isEqualTo("Worker");
		String b = taskWith(id, "Draft", "Draft it [[local:slow=700]]").get("id").asString();
		String c = task(id, "Publish", a, b).get("id").asString();
		assertThat(taskStatus(id, c)).isEqualTo("BLOCKED");

		Response started = post(mission(id) + "/start");
		assertThat(started.status()).as(started.body()).isEqualTo(200);
		assertThat(started.json().get("status").asString()).isEqualTo("IN_PROGRESS");
		assertThat(started.json().get("success").asBoolean()).isTrue();

		awaitMission(id, "COMPLETED");
		JsonNode done = get(id);
		assertThat(done.get("completed_at").isNull()).isFalse();
		assertThat(done.get("task_stats").get("completed").asInt()).isEqualTo(3);
		List<Map<String, Object>> runs = runsOf(id);
		assertThat(runs).hasSize(4);
		Map<String, Object> runA = runs.stream().filter(r -> a.equals(r.get("task_id"))).findFirst().orElseThrow();
		Map<String, Object> runC = runs.stream().filter(r -> c.equals(r.get("task_id"))).findFirst().orElseThrow();
		Map<String, Object> review = runs.get(3);
		assertThat(runA.get("agent_id")).as("the assignee").isEqualTo(worker);
		assertThat(runC.get("agent_id")).as("unassigned: the lead").isEqualTo(this.crew.leadId());
		assertThat((String) runA.get("prompt")).contains("Ship it").contains("Research").contains("Do Research");
		JsonNode taskA = taskOf(id, a);
		assertThat(taskA.get("assignment_id").asString()).isEqualTo(runA.get("id"));
		assertThat(taskA.get("result_summary").asString()).contains("local runtime");
		assertThat(taskA.get("duration_ms").isNull()).isFalse();
		assertThat((String) runC.get("prompt")).as("the outputs it waited for")
			.contains("Results of the tasks this one waited for")
			.contains("### Research")
			.contains("### Draft")
			.contains("Worker received a mission request");
		assertThat(review.get("task_id")).as("the LEAD's review").isNull();
		assertThat(review.get("agent_id")).isEqualTo(this.crew.leadId());
		assertThat((String) review.get("prompt")).contains("Every task is done").contains("### Publish");

		// a repeated end of a finished task's run changes nothing
		finish((String) runA.get("id"), id, a, RunStatus.FAILED, null);
		assertThat(missionStatus(id)).isEqualTo("COMPLETED");
		assertThat(runsOf(id)).hasSize(4);

		JsonNode metrics = this.owner.get(ws("/api/v1/mission-metrics")).json();
		assertThat(metrics.get("completed_24h").asLong()).isEqualTo(1);
		assertThat(metrics.get("tasks_completed_24h").asLong()).isEqualTo(3);
		assertThat(metrics.get("avg_completion_time_ms").asLong()).isPositive();
		assertProblem(post(mission(id) + "/start"), 400, "not PLANNING");
		assertProblem(post(mission(id) + "/resume"), 409, "Only a FAILED mission");
		List<JsonNode> events = eventsUntilStatus(id, "COMPLETED");
		assertThat(events.stream()
			.filter(e -> e.get("type").asString().equals("mission.updated"))
			.map(e -> e.get("data").get("status").asString()))
			.containsSubsequence("PLANNING", "IN_PROGRESS", "REVIEW", "COMPLETED");
	}

	@Test
	void resumeReRunsTheFailedTaskAndItsDependentsKeepingCompletedWorkToCompleted() {
		String id = createMission("Resumable").get("id").asString();
		// the flaky agent's runs time out after 1 s; the task takes 2 s
		String flaky = agent(this.crew.id(), "Flaky", Map.of("timeout_seconds", 1));
		String steady = agent(this.crew.id(), "Steady");
		String a = task(id, "A").get("id").asString();
		String b = taskWith(id, "B", "Take your time [[local:slow=2000]]").get("id").asString();
		patch(this.owner, ws(mission(id) + "/tasks/" + b), "{\"assigned_agent_id\":\"" + flaky + "\"}");
		String c = task(id, "C", b).get("id").asString();
		assertProblem(post(mission(id) + "/resume"), 409, "Only a FAILED mission");
		assertThat(post(mission(id) + "/start").status()).isEqualTo(200);
		awaitMission(id, "FAILED");
		assertThat(taskStatus(id, a)).isEqualTo("COMPLETED");
		JsonNode failed = taskOf(id, b);
		assertThat(failed.get("status").asString()).isEqualTo("FAILED");
		assertThat(failed.get("error_message").asString()).contains("timeout");
		assertThat(taskStatus(id, c)).isEqualTo("BLOCKED");
		String summaryA = taskOf(id, a).get("result_summary").asString();

		// reassigned to an agent with time enough, the mission goes on from B
		assertThat(patch(this.owner, ws(mission(id) + "/tasks/" + b), "{\"assigned_agent_id\":\"" + steady + "\"}")
			.status()).isEqualTo(200);
		Response resumed = post(mission(id) + "/resume");
		assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
		assertThat(resumed.json().get("status").asString()).isEqualTo("IN_PROGRESS");
		awaitMission(id, "COMPLETED");
		assertThat(taskOf(id, a).get("result_summary").asString()).as("completed work kept").isEqualTo(summaryA);
		assertThat(taskOf(id, b).get("iteration").asInt()).isEqualTo(2);
		List<Map<String, Object>> runs = runsOf(id);
		assertThat(runs.stream().filter(r -> a.equals(r.get("task_id")))).as("A ran once").hasSize(1);
		assertThat(runs.stream().filter(r -> b.equals(r.get("task_id")))).as("B ran twice").hasSize(2);
		assertThat(runs.stream().filter(r -> c.equals(r.get("task_id")))).hasSize(1);
	}

	@Test
	void whatATaskRunSpentIsAddedToTheTaskAndTheMissionTotals() {
		String id = createMission("Costed").get("id").asString();
		String a = taskWith(id, "Think", "Think hard [[local:slow=5000]]").get("id").asString();
		post(mission(id) + "/start");
		awaitTask(id, a, "IN_PROGRESS");
		String firstTry = taskOf(id, a).get("assignment_id").asString();

		// the provider's usage, as the engine reports it when the run ends
		finish(firstTry, id, a, RunStatus.COMPLETED, "Thought it through",
				new crewship.mission.runs.RunFinished.Usage(1_200, 300, 0.0081));

		JsonNode task = taskOf(id, a);
		assertThat(task.get("status").asString()).isEqualTo("COMPLETED");
		assertThat(task.get("token_count").asLong()).isEqualTo(1_500);
		assertThat(task.get("estimated_cost").asDouble()).isEqualTo(0.0081);
		JsonNode costed = get(id);
		assertThat(costed.get("total_token_count").asLong()).isEqualTo(1_500);
		// a repeated end of the same run is not counted twice
		finish(firstTry, id, a, RunStatus.COMPLETED, "Thought it through",
				new crewship.mission.runs.RunFinished.Usage(1_200, 300, 0.0081));
		assertThat(taskOf(id, a).get("token_count").asLong()).isEqualTo(1_500);
	}

	@Test
	void restartSendsATerminalMissionBackToPlanningWithItsUnfinishedTasksWaiting() {
		String id = createMission("Again").get("id").asString();
		String a = task(id, "A").get("id").asString();
		String b = taskWith(id, "B", "Refuse [[local:fail]]", a).get("id").asString();
		assertProblem(post(mission(id) + "/restart"), 409, "COMPLETED, FAILED or CANCELLED");
		post(mission(id) + "/start");
		awaitMission(id, "FAILED");
		assertThat(taskOf(id, b).get("error_message").asString()).contains("asked to fail");

		Response restarted = post(mission(id) + "/restart");
		assertThat(restarted.status()).as(restarted.body()).isEqualTo(200);
		assertThat(restarted.json().get("status").asString()).isEqualTo("PLANNING");
		JsonNode mission = get(id);
		assertThat(mission.get("status").asString()).isEqualTo("PLANNING");
		assertThat(mission.get("completed_at").isNull()).isTrue();
		assertThat(taskStatus(id, a)).isEqualTo("COMPLETED");
		JsonNode reset = taskOf(id, b);
		assertThat(reset.get("status").asString()).as("its dependency is done").isEqualTo("PENDING");
		assertThat(reset.get("iteration").asInt()).isEqualTo(2);
		assertThat(reset.get("error_message").isNull()).isTrue();

		assertThat(post(mission(id) + "/start").status()).isEqualTo(200);
		awaitMission(id, "FAILED");
		assertThat(runsOf(id).stream().filter(r -> b.equals(r.get("task_id")))).hasSize(2);
		assertThat(runsOf(id).stream().filter(r -> a.equals(r.get("task_id")))).as("A kept").hasSize(1);
	}

	@Test
	void patchingToInProgressIsAStartAndATaskAddedToARunningMissionRunsAtOnce() {
		String id = createMission("Patched").get("id").asString();
		assertProblem(patch(this.owner, ws(mission(id)), "{\"status\":\"IN_PROGRESS\"}"), 400, "no tasks");
		String a = taskWith(id, "A", "Wait [[local:stall]]").get("id").asString();
		Response started = patch(this.owner, ws(mission(id)), "{\"status\":\"IN_PROGRESS\"}");
		assertThat(started.status()).as(started.body()).isEqualTo(200);
		assertThat(started.json().get("status").asString()).isEqualTo("IN_PROGRESS");
		assertThat(runsOf(id)).hasSize(1);
		String b = taskWith(id, "B", "Wait too [[local:stall]]").get("id").asString();
		assertThat(taskStatus(id, b)).isEqualTo("IN_PROGRESS");
		String c = task(id, "C", a).get("id").asString();
		assertThat(taskStatus(id, c)).isEqualTo("BLOCKED");
		assertThat(runsOf(id)).hasSize(2);

		List<JsonNode> audit = TestKafka
			.readUntil(Topics.AUDIT, read -> read.stream().anyMatch(r -> r.value() != null && r.value().contains(id)),
					java.time.Duration.ofSeconds(30))
			.stream()
			.filter(r -> r.value() != null && r.value().contains(id))
			.map(r -> this.json.readTree(r.value()).get("data"))
			.toList();
		assertThat(audit.stream().map(a2 -> a2.get("action").asString())).contains("mission.create", "mission.start");
		JsonNode start = audit.stream()
			.filter(a2 -> a2.get("action").asString().equals("mission.start"))
			.findFirst()
			.orElseThrow();
		assertThat(start.get("user_id").asString()).isEqualTo(this.ownerId);
		assertThat(start.get("entity_type").asString()).isEqualTo("mission");
		patch(this.owner, ws(mission(id)), "{\"status\":\"CANCELLED\"}");
	}

	@Test
	void aTaskWithIterationsLeftIsRetriedBeforeItFailsTheMission() {
		String id = createMission("Retry").get("id").asString();
		Response created = this.owner.postJson(ws(mission(id) + "/tasks"),
				"{\"title\":\"Flaky\",\"description\":\"[[local:fail]]\",\"max_iterations\":2}");
		String a = created.json().get("id").asString();
		post(mission(id) + "/start");
		awaitMission(id, "FAILED");
		assertThat(runsOf(id)).hasSize(2);
		assertThat(taskOf(id, a).get("iteration").asInt()).isEqualTo(2);
	}

	@Test
	void cancellingAMissionCancelsItsLiveRuns() {
		String id = createMission("Stop").get("id").asString();
		String a = taskWith(id, "A", "Wait [[local:stall]]").get("id").asString();
		post(mission(id) + "/start");
		String runA = (String) runsOf(id).get(0).get("id");
		awaitStatus(runA, RunStatus.RUNNING);
		Response cancelled = patch(this.owner, ws(mission(id)), "{\"status\":\"CANCELLED\"}");
		assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
		awaitStatus(runA, RunStatus.CANCELLED);
		assertThat(taskOf(id, a).get("error_message").asString()).contains("Cancelled with the mission");
		assertThat(missionStatus(id)).isEqualTo("CANCELLED");
	}

	@Test
	void skippingARunningTaskByHandCancelsItsRunAndReleasesItsDependents() {
		String id = createMission("Skip").get("id").asString();
		String a = taskWith(id, "A", "Wait [[local:stall]]").get("id").asString();
		String b = task(id, "B", a).get("id").asString();
		post(mission(id) + "/start");
		String runA = (String) runsOf(id).get(0).get("id");
		Response skipped = patch(this.owner, ws(mission(id) + "/tasks/" + a), "{\"status\":\"SKIPPED\"}");
		assertThat(skipped.status()).as(skipped.body()).isEqualTo(200);
		assertThat(skipped.json().get("status").asString()).isEqualTo("SKIPPED");
		awaitStatus(runA, RunStatus.CANCELLED);
		awaitMission(id, "COMPLETED");
		assertThat(taskStatus(id, b)).isEqualTo("COMPLETED");
		assertThat(taskStatus(id, a)).as("a late end of its run changes nothing").isEqualTo("SKIPPED");
		assertProblem(patch(this.owner, ws(mission(id) + "/tasks/" + b), "{\"title\":\"late\"}"), 400,
				"PENDING or BLOCKED");
	}

}
