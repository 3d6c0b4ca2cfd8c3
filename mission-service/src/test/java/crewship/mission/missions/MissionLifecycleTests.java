package crewship.mission.missions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import crewship.mission.missions.StandInEngine.Runs.Submitted;
import crewship.mission.runs.RunStatus;
import crewship.mission.runs.Trigger;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start, the engine's reaction to finished runs, resume and restart — with runs recorded
 * by the stand-in and finished by the test as the engine would.
 */
class MissionLifecycleTests extends MissionsTestSupport {

	@Test
	void aMissionWithoutTasksOrWithACycleDoesNotStart() {
		String empty = createMission("Empty").get("id").asString();
		assertProblem(post(mission(empty) + "/start"), 400, "no tasks");
		assertThat(status(empty)).isEqualTo("PLANNING");

		String cyclic = createMission("Cyclic").get("id").asString();
		String a = task(cyclic, "A").get("id").asString();
		String b = task(cyclic, "B", a).get("id").asString();
		// a cycle written behind the API's back (an older row, a bug): start still
		// refuses
		this.jdbc.update("update mission_task set depends_on = ? where id = ?", "[\"" + b + "\"]", a);
		assertProblem(post(mission(cyclic) + "/start"), 400, "cycle");
		assertThat(status(cyclic)).as("rolled back").isEqualTo("PLANNING");
		assertThat(this.runs.ofMission(cyclic)).isEmpty();
	}

	@Test
	void ofTwoConcurrentStartsExactlyOneWins() throws Exception {
		for (int round = 0; round < 3; round++) {
			String id = createMission("Race " + round).get("id").asString();
			task(id, "A");
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
			assertThat(this.runs.ofMission(id)).as("the task ran once").hasSize(1);
		}
	}

	@Test
	void aThreeTaskMissionRunsItsDagThenTheLeadReviewsItToCompleted() {
		String id = createMission("Ship it").get("id").asString();
		String worker = agent(this.crew.id(), "Worker", "AGENT");
		String a = task(id, "Research").get("id").asString();
		Response assigned = patch(this.owner, ws(mission(id) + "/tasks/" + a),
				"{\"assigned_agent_id\":\"" + worker + "\"}");
		assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
		assertThat(assigned.json().get("agent_name").asString()).isEqualTo("Worker");
		String b = task(id, "Draft").get("id").asString();
		String c = task(id, "Publish", a, b).get("id").asString();

		Response started = post(mission(id) + "/start");
		assertThat(started.status()).as(started.body()).isEqualTo(200);
		assertThat(started.json().get("status").asString()).isEqualTo("IN_PROGRESS");
		List<Submitted> first = this.runs.ofMission(id);
		assertThat(first).hasSize(2);
		Submitted runA = first.stream().filter(s -> a.equals(s.run().taskId())).findFirst().orElseThrow();
		Submitted runB = first.stream().filter(s -> b.equals(s.run().taskId())).findFirst().orElseThrow();
		assertThat(runA.run().agentId()).as("the assignee").isEqualTo(worker);
		assertThat(runB.run().agentId()).as("unassigned: the lead").isEqualTo(this.crew.leadId());
		assertThat(runA.run().trigger()).isEqualTo(Trigger.MISSION);
		assertThat(runA.run().crewId()).isEqualTo(this.crew.id());
		assertThat(runA.run().prompt()).contains("Ship it").contains("Research").contains("Do Research");
		assertThat(taskOf(id, a).get("status").asString()).isEqualTo("IN_PROGRESS");
		assertThat(taskOf(id, a).get("assignment_id").asString()).isEqualTo(runA.id());
		assertThat(taskOf(id, c).get("status").asString()).isEqualTo("BLOCKED");

		finish(runA.id(), id, a, RunStatus.COMPLETED, "Found three options");
		assertThat(taskOf(id, a).get("status").asString()).isEqualTo("COMPLETED");
		assertThat(taskOf(id, a).get("result_summary").asString()).isEqualTo("Found three options");
		assertThat(this.runs.ofMission(id)).as("C still waits for B").hasSize(2);
		finish(runA.id(), id, a, RunStatus.COMPLETED, "a redelivery changes nothing");
		assertThat(this.runs.ofMission(id)).hasSize(2);

		finish(runB.id(), id, b, RunStatus.COMPLETED, "Draft written");
		List<Submitted> afterB = this.runs.ofMission(id);
		assertThat(afterB).hasSize(3);
		Submitted runC = afterB.get(2);
		assertThat(runC.run().taskId()).isEqualTo(c);
		assertThat(runC.run().prompt()).as("the outputs it waited for")
			.contains("Found three options")
			.contains("Draft written");

		finish(runC.id(), id, c, RunStatus.COMPLETED, "Published");
		assertThat(status(id)).isEqualTo("REVIEW");
		Submitted review = this.runs.ofMission(id).get(3);
		assertThat(review.run().taskId()).isNull();
		assertThat(review.run().agentId()).isEqualTo(this.crew.leadId());
		assertThat(review.run().prompt()).contains("Published");

		finish(review.id(), id, null, RunStatus.COMPLETED, "Goal met");
		JsonNode done = get(id);
		assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
		assertThat(done.get("completed_at").isNull()).isFalse();
		assertThat(done.get("task_stats").get("completed").asInt()).isEqualTo(3);
		JsonNode metrics = this.owner.get(ws("/api/v1/mission-metrics")).json();
		assertThat(metrics.get("completed_24h").asLong()).isEqualTo(1);
		assertThat(metrics.get("tasks_completed_24h").asLong()).isEqualTo(3);
		assertProblem(post(mission(id) + "/start"), 400, "not PLANNING");
		assertProblem(post(mission(id) + "/resume"), 409, "Only a FAILED mission");
	}

	@Test
	void aFailedTaskFailsTheMissionAndResumeRunsItAgainKeepingCompletedWork() {
		String id = createMission("Fragile").get("id").asString();
		String a = task(id, "A").get("id").asString();
		String b = task(id, "B").get("id").asString();
		String c = task(id, "C", b).get("id").asString();
		assertThat(post(mission(id) + "/start").status()).isEqualTo(200);
		Submitted runA = this.runs.ofMission(id).stream().filter(s -> a.equals(s.run().taskId())).findFirst().get();
		Submitted runB = this.runs.ofMission(id).stream().filter(s -> b.equals(s.run().taskId())).findFirst().get();
		finish(runA.id(), id, a, RunStatus.COMPLETED, "A done");
		finish(runB.id(), id, b, RunStatus.FAILED, null);
		JsonNode failed = get(id);
		assertThat(failed.get("status").asString()).isEqualTo("FAILED");
		assertThat(taskOf(id, b).get("status").asString()).isEqualTo("FAILED");
		assertThat(taskOf(id, b).get("error_message").asString()).contains("the agent gave up");
		assertThat(taskOf(id, c).get("status").asString()).isEqualTo("BLOCKED");
		assertThat(failed.get("completed_at").isNull()).isFalse();
		List<JsonNode> events = events(id, 8);
		assertThat(events.stream()
			.filter(e -> e.get("type").asString().equals("mission.updated"))
			.map(e -> e.get("data").get("status").asString())).containsSubsequence("PLANNING", "IN_PROGRESS", "FAILED");
	}

	@Test
	void resumeRetriesTheFailedTaskAndItsDependentsOnly() {
		String id = createMission("Resumable").get("id").asString();
		String a = task(id, "A").get("id").asString();
		String b = task(id, "B").get("id").asString();
		String c = task(id, "C", b).get("id").asString();
		assertProblem(post(mission(id) + "/resume"), 409, "Only a FAILED mission");
		post(mission(id) + "/start");
		Submitted runA = this.runs.ofMission(id).stream().filter(s -> a.equals(s.run().taskId())).findFirst().get();
		Submitted runB = this.runs.ofMission(id).stream().filter(s -> b.equals(s.run().taskId())).findFirst().get();
		finish(runA.id(), id, a, RunStatus.COMPLETED, "A done");
		finish(runB.id(), id, b, RunStatus.TIMEOUT, null);
		assertThat(status(id)).isEqualTo("FAILED");

		Response resumed = post(mission(id) + "/resume");
		assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
		assertThat(resumed.json().get("status").asString()).isEqualTo("IN_PROGRESS");
		assertThat(taskOf(id, a).get("status").asString()).as("completed work kept").isEqualTo("COMPLETED");
		assertThat(taskOf(id, a).get("result_summary").asString()).isEqualTo("A done");
		JsonNode retried = taskOf(id, b);
		assertThat(retried.get("status").asString()).isEqualTo("IN_PROGRESS");
		assertThat(retried.get("iteration").asInt()).isEqualTo(2);
		assertThat(retried.get("error_message").isNull()).isTrue();
		List<Submitted> runs = this.runs.ofMission(id);
		assertThat(runs).hasSize(3);
		Submitted again = runs.get(2);
		assertThat(again.run().taskId()).isEqualTo(b);

		// the old run's late end is not the task's any more
		finish(runB.id(), id, b, RunStatus.FAILED, null);
		assertThat(status(id)).isEqualTo("IN_PROGRESS");
		finish(again.id(), id, b, RunStatus.COMPLETED, "B done");
		Submitted runC = this.runs.ofMission(id).get(3);
		assertThat(runC.run().taskId()).isEqualTo(c);
	}

	@Test
	void restartSendsATerminalMissionBackToPlanningWithItsUnfinishedTasksWaiting() {
		String id = createMission("Again").get("id").asString();
		String a = task(id, "A").get("id").asString();
		String b = task(id, "B", a).get("id").asString();
		assertProblem(post(mission(id) + "/restart"), 409, "COMPLETED, FAILED or CANCELLED");
		post(mission(id) + "/start");
		Submitted runA = this.runs.ofMission(id).get(0);
		finish(runA.id(), id, a, RunStatus.COMPLETED, "A done");
		Submitted runB = this.runs.ofMission(id).get(1);
		finish(runB.id(), id, b, RunStatus.FAILED, null);
		assertThat(status(id)).isEqualTo("FAILED");

		Response restarted = post(mission(id) + "/restart");
		assertThat(restarted.status()).as(restarted.body()).isEqualTo(200);
		assertThat(restarted.json().get("status").asString()).isEqualTo("PLANNING");
		JsonNode mission = get(id);
		assertThat(mission.get("completed_at").isNull()).isTrue();
		assertThat(taskOf(id, a).get("status").asString()).isEqualTo("COMPLETED");
		JsonNode reset = taskOf(id, b);
		assertThat(reset.get("status").asString()).as("its dependency is done").isEqualTo("PENDING");
		assertThat(reset.get("iteration").asInt()).isEqualTo(2);
		assertThat(reset.get("error_message").isNull()).isTrue();

		assertThat(post(mission(id) + "/start").status()).isEqualTo(200);
		assertThat(this.runs.ofMission(id)).hasSize(3);
		assertThat(this.runs.ofMission(id).get(2).run().taskId()).isEqualTo(b);
	}

	@Test
	void cancellingAMissionCancelsItsLiveRuns() {
		String id = createMission("Stop").get("id").asString();
		String a = task(id, "A").get("id").asString();
		post(mission(id) + "/start");
		Submitted runA = this.runs.ofMission(id).get(0);
		Response cancelled = patch(this.owner, ws(mission(id)), "{\"status\":\"CANCELLED\"}");
		assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
		assertThat(this.runs.cancelled).contains(runA.id());
		assertThat(taskOf(id, a).get("status").asString()).isEqualTo("FAILED");
		finish(runA.id(), id, a, RunStatus.CANCELLED, null);
		assertThat(status(id)).isEqualTo("CANCELLED");
	}

	@Test
	void aTaskWithIterationsLeftIsRetriedBeforeItFailsTheMission() {
		String id = createMission("Retry").get("id").asString();
		Response created = this.owner.postJson(ws(mission(id) + "/tasks"),
				"{\"title\":\"Flaky\",\"max_iterations\":2}");
		String a = created.json().get("id").asString();
		post(mission(id) + "/start");
		finish(this.runs.ofMission(id).get(0).id(), id, a, RunStatus.FAILED, null);
		assertThat(status(id)).isEqualTo("IN_PROGRESS");
		assertThat(this.runs.ofMission(id)).hasSize(2);
		assertThat(taskOf(id, a).get("iteration").asInt()).isEqualTo(2);
		finish(this.runs.ofMission(id).get(1).id(), id, a, RunStatus.FAILED, null);
		assertThat(status(id)).isEqualTo("FAILED");
	}

	@Test
	void skippingATaskByHandReleasesItsDependents() {
		String id = createMission("Skip").get("id").asString();
		String a = task(id, "A").get("id").asString();
		String b = task(id, "B", a).get("id").asString();
		post(mission(id) + "/start");
		Submitted runA = this.runs.ofMission(id).get(0);
		Response skipped = patch(this.owner, ws(mission(id) + "/tasks/" + a), "{\"status\":\"SKIPPED\"}");
		assertThat(skipped.status()).as(skipped.body()).isEqualTo(200);
		assertThat(this.runs.cancelled).contains(runA.id());
		assertThat(this.runs.ofMission(id)).hasSize(2);
		assertThat(this.runs.ofMission(id).get(1).run().taskId()).isEqualTo(b);
		assertProblem(patch(this.owner, ws(mission(id) + "/tasks/" + b), "{\"title\":\"late\"}"), 400,
				"PENDING or BLOCKED");
	}

}
