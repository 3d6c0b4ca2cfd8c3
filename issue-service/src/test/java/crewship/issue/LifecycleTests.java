package crewship.issue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * start → run → review, with mission-service's side played by this test through the event
 * contract (CONTRACTS.md): {@code issue.run_requested} goes out, the run's
 * {@code run.started}/{@code run.updated} come back on {@code crewship.mission.v1} and
 * drive the issue; duplicates and stale statuses change nothing.
 */
class LifecycleTests extends IssueTestSupport {

	private String path(Crew crew, String identifier, String action) {
		return ws("/api/v1/crews/" + crew.id() + "/issues/" + identifier + action);
	}

	/** A run event as mission-service's outbox would publish it (subject = run id). */
	private EventEnvelope run(String type, String runId, String issueId, String agentId, String status,
			Map<String, Object> extra) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", runId);
		data.put("agent_id", agentId);
		data.put("crew_id", null);
		data.put("status", status);
		data.put("trigger", "ISSUE");
		data.put("issue_id", issueId);
		data.put("started_at", null);
		data.put("finished_at", null);
		data.put("duration_ms", 0);
		data.put("error", null);
		data.put("summary", null);
		data.put("token_count", 0);
		data.put("estimated_cost", 0.0);
		data.put("model", null);
		data.putAll(extra);
		return publish(MISSION_TOPIC, runId, type, this.workspaceId, runId, data);
	}

	private JsonNode issueNow(String identifier) {
		return this.owner.get(ws("/api/v1/issues/" + identifier)).json();
	}

	private void awaitStatus(String identifier, String status) {
		await(identifier + " " + status, () -> issueNow(identifier).get("status").asString().equals(status));
	}

	@Test
	void startRequestsARunAndTheRunsEventsDriveTheIssue() {
		Crew crew = crew("RUN");
		String agentId = projectedAgent(crew.id(), "Runner");
		JsonNode issue = issue(crew, "Run me",
				"\"priority\":\"high\",\"description\":\"Do it\",\"assignee_id\":\"" + agentId + "\"");
		String issueId = issue.get("id").asString();
		patch(this.owner, path(crew, "RUN-1", ""), "{\"status\":\"TODO\"}");

		Response started = this.owner.postJson(path(crew, "RUN-1", "/start"), "");
		assertThat(started.status()).as(started.body()).isEqualTo(200);
		// the issue waits for the run: still TODO
		assertThat(started.json().get("status").asString()).isEqualTo("TODO");
		assertThat(started.json().get("identifier").asString()).isEqualTo("RUN-1");
		assertProblem(this.owner.postJson(path(crew, "RUN-1", "/start"), ""), 409, "already started");

		JsonNode requested = events(issueId, 3).stream()
			.filter(e -> e.get("type").asString().equals("issue.run_requested"))
			.findFirst()
			.orElseThrow();
		JsonNode data = requested.get("data");
		assertThat(Cuid.isValid(data.get("request_id").asString())).isTrue();
		assertThat(data.get("issue_id").asString()).isEqualTo(issueId);
		assertThat(data.get("agent_id").asString()).isEqualTo(agentId);
		assertThat(data.get("crew_id").asString()).isEqualTo(crew.id());
		assertThat(data.get("priority").asString()).isEqualTo("HIGH");
		assertThat(data.get("requested_by").asString()).isEqualTo(this.ownerId);

		String runId = Cuid.next();
		run("run.updated", runId, issueId, agentId, "PENDING", Map.of());
		await("pending run projected", () -> this.owner.get(path(crew, "RUN-1", "/runs")).json().size() == 1);
		assertThat(issueNow("RUN-1").get("status").asString()).isEqualTo("TODO");

		EventEnvelope running = run("run.started", runId, issueId, agentId, "RUNNING",
				Map.of("started_at", "2026-08-01T10:00:00Z"));
		awaitStatus("RUN-1", "IN_PROGRESS");
		// the same event again, and an older status arriving late, change nothing
		this.kafka.send(MISSION_TOPIC, runId, this.json.writeValueAsString(running)).join();
		run("run.updated", runId, issueId, agentId, "PENDING", Map.of());
		run("run.updated", runId, issueId, agentId, "COMPLETED", Map.of("started_at", "2026-08-01T10:00:00Z",
				"finished_at", "2026-08-01T10:04:12Z", "duration_ms", 252000, "summary", "Patched the refresh path."));
		awaitStatus("RUN-1", "REVIEW");

		List<String> types = types(events(issueId, 6));
		assertThat(types).contains("issue.started");
		assertThat(types.stream().filter("issue.started"::equals).count()).isEqualTo(1);
		JsonNode runs = this.owner.get(path(crew, "RUN-1", "/runs")).json();
		assertThat(runs.size()).isEqualTo(1);
		assertThat(runs.get(0).get("id").asString()).isEqualTo(runId);
		assertThat(runs.get(0).get("status").asString()).isEqualTo("completed");
		assertThat(runs.get(0).get("agent_name").asString()).isEqualTo("Runner");
		assertThat(runs.get(0).get("task").asString()).isEqualTo("Run me");
		assertThat(runs.get(0).get("duration_ms").asLong()).isEqualTo(252000);
		assertThat(runs.get(0).get("result_summary").asString()).isEqualTo("Patched the refresh path.");
		assertThat(runs.get(0).has("error_message")).isFalse();
		JsonNode activity = this.owner.get(path(crew, "RUN-1", "/activity")).json();
		List<String> actions = activity.valueStream().map(a -> a.get("action").asString()).toList();
		assertThat(actions.stream().filter("task_completed"::equals).count()).isEqualTo(1);
		assertThat(activity.valueStream().filter(a -> a.get("details").asString().contains("(run started)")).count())
			.isEqualTo(1);

		Response approved = this.owner.postJson(path(crew, "RUN-1", "/review"), "{\"action\":\"approve\"}");
		assertThat(approved.status()).as(approved.body()).isEqualTo(200);
		assertThat(approved.json().get("action").asString()).isEqualTo("approve");
		JsonNode done = issueNow("RUN-1");
		assertThat(done.get("status").asString()).isEqualTo("DONE");
		assertThat(done.get("completed_at").isNull()).isFalse();
		assertThat(done.get("comment_count").asInt()).isEqualTo(1);
		assertProblem(this.owner.postJson(path(crew, "RUN-1", "/review"), "{\"action\":\"approve\"}"), 400,
				"REVIEW or IN_PROGRESS");
	}

	@Test
	void aFailedRunFailsTheIssueAndReviewSendsItBackReassigned() {
		Crew crew = crew("FLR");
		String agentId = projectedAgent(crew.id(), "First");
		String otherId = projectedAgent(crew.id(), "Second");
		String otherSlug = this.crews.agent(this.workspaceId, otherId).orElseThrow().slug();
		String issueId = issue(crew, "Fragile", "\"assignee_id\":\"" + agentId + "\"").get("id").asString();
		assertThat(this.owner.postJson(path(crew, "FLR-1", "/start"), "").status()).isEqualTo(200);
		String runId = Cuid.next();
		run("run.started", runId, issueId, agentId, "RUNNING", Map.of());
		awaitStatus("FLR-1", "IN_PROGRESS");
		run("run.updated", runId, issueId, agentId, "TIMEOUT", Map.of("error", "run exceeded 10 min"));
		awaitStatus("FLR-1", "FAILED");
		JsonNode runs = this.owner.get(path(crew, "FLR-1", "/runs")).json();
		assertThat(runs.get(0).get("error_message").asString()).isEqualTo("run exceeded 10 min");

		// FAILED -> IN_PROGRESS by hand, then changes are requested with another agent
		patch(this.owner, path(crew, "FLR-1", ""), "{\"status\":\"IN_PROGRESS\"}");
		assertProblem(this.owner.postJson(path(crew, "FLR-1", "/review"), "{\"action\":\"merge\"}"), 400, "action");
		assertProblem(this.owner.postJson(path(crew, "FLR-1", "/review"),
				"{\"action\":\"request_changes\",\"reassign_to\":\"nobody\"}"), 400, "reassign_to");
		Response changes = this.owner.postJson(path(crew, "FLR-1", "/review"),
				"{\"action\":\"request_changes\",\"comment\":\"Handle the error\",\"reassign_to\":\"" + otherSlug
						+ "\"}");
		assertThat(changes.status()).as(changes.body()).isEqualTo(200);
		JsonNode back = issueNow("FLR-1");
		assertThat(back.get("status").asString()).isEqualTo("TODO");
		assertThat(back.get("assignee_id").asString()).isEqualTo(otherId);
		JsonNode comments = this.owner.get(path(crew, "FLR-1", "/comments")).json();
		assertThat(comments.get(0).get("body").asString()).isEqualTo("Handle the error");
		// it can be started again
		assertThat(this.owner.postJson(path(crew, "FLR-1", "/start"), "").status()).isEqualTo(200);
	}

	@Test
	void stopCancelsTheRunAndTheIssue() {
		Crew crew = crew("STP");
		String agentId = projectedAgent(crew.id(), "Stoppable");
		String issueId = issue(crew, "Stop me", "\"assignee_id\":\"" + agentId + "\"").get("id").asString();
		assertProblem(this.owner.postJson(path(crew, "STP-1", "/stop"), ""), 400, "IN_PROGRESS or REVIEW");
		this.owner.postJson(path(crew, "STP-1", "/start"), "");
		String runId = Cuid.next();
		run("run.started", runId, issueId, agentId, "RUNNING", Map.of());
		awaitStatus("STP-1", "IN_PROGRESS");
		Response stopped = this.owner.postJson(path(crew, "STP-1", "/stop"), "");
		assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
		assertThat(stopped.json().get("status").asString()).isEqualTo("CANCELLED");
		JsonNode stop = events(issueId, 5).stream()
			.filter(e -> e.get("type").asString().equals("issue.stop_requested"))
			.findFirst()
			.orElseThrow();
		assertThat(stop.get("data").get("issue_id").asString()).isEqualTo(issueId);
		// mission-service's cancellation arrives: the issue is CANCELLED already and
		// stays so
		run("run.updated", runId, issueId, agentId, "CANCELLED", Map.of("finished_at", Instant.now().toString()));
		await("cancelled run projected",
				() -> this.owner.get(path(crew, "STP-1", "/runs"))
					.json()
					.get(0)
					.get("status")
					.asString()
					.equals("cancelled"));
		assertThat(issueNow("STP-1").get("status").asString()).isEqualTo("CANCELLED");
	}

	@Test
	void startNeedsAnAgentAssigneeAndAStartableStatus() {
		Crew crew = crew("SRT");
		issue(crew, "Nobody", "");
		assertProblem(this.owner.postJson(path(crew, "SRT-1", "/start"), ""), 400, "no assignee");
		String userId = newMemberId(WorkspaceRole.MEMBER);
		issue(crew, "A person", "\"assignee_type\":\"user\",\"assignee_id\":\"" + userId + "\"");
		assertProblem(this.owner.postJson(path(crew, "SRT-2", "/start"), ""), 400, "assigned to an agent");
		String agentId = projectedAgent(crew.id(), "Late");
		issue(crew, "Done already", "\"assignee_id\":\"" + agentId + "\"");
		patch(this.owner, path(crew, "SRT-3", ""), "{\"status\":\"IN_PROGRESS\"}");
		assertProblem(this.owner.postJson(path(crew, "SRT-3", "/start"), ""), 400, "BACKLOG or TODO");
		assertProblem(newMember(WorkspaceRole.MEMBER).postJson(path(crew, "SRT-3", "/start"), ""), 403, "MEMBER");
		// a run of an issue of another workspace, or of none, is ignored
		run("run.started", Cuid.next(), Cuid.next(), agentId, "RUNNING", Map.of());
	}

}
