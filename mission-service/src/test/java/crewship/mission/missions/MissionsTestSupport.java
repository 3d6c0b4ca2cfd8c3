package crewship.mission.missions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.MissionTestSupport;
import crewship.mission.missions.crews.MissionCrews;
import crewship.mission.runs.RunFinished;
import crewship.mission.runs.RunStatus;
import crewship.mission.runs.Trigger;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * mission-service's shared base plus a crew with a LEAD agent per test (announced as
 * crew-service announces them) and helpers to drive its missions over HTTP. Runs execute
 * on the engine's local runtime: {@code [[local:fail]]}, {@code [[local:stall]]} and
 * {@code [[local:slow=MS]]} in a task's description steer it.
 */
abstract class MissionsTestSupport extends MissionTestSupport {

	@Autowired
	protected MissionCrews crews;

	@Autowired
	protected ApplicationEventPublisher publisher;

	protected Crew crew;

	@BeforeEach
	void newCrew() {
		this.crew = newCrew("Crew");
	}

	/** A crew and its LEAD agent. */
	protected record Crew(String id, String slug, String leadId) {
	}

	protected Crew newCrew(String name) {
		String crewId = crew(name);
		String slug = "crew-" + crewId.substring(crewId.length() - 8);
		String leadId = agent(crewId, "Lead " + slug, Map.of("agent_role", "LEAD"));
		await("crew projected", () -> this.crews.known(this.workspaceId, slug).isPresent());
		return new Crew(crewId, slug, leadId);
	}

	// --- missions

	protected String missions() {
		return "/api/v1/crews/" + this.crew.id() + "/missions";
	}

	protected String mission(String missionId) {
		return missions() + "/" + missionId;
	}

	protected JsonNode createMission(String title) {
		Response created = this.owner.postJson(ws(missions()), "{\"title\":\"" + title
				+ "\",\"description\":\"Why it matters\",\"lead_agent_id\":\"" + this.crew.leadId() + "\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json();
	}

	protected JsonNode task(String missionId, String title, String... dependsOn) {
		return taskWith(missionId, title, "Do " + title, dependsOn);
	}

	protected JsonNode taskWith(String missionId, String title, String description, String... dependsOn) {
		String deps = String.join(",", java.util.Arrays.stream(dependsOn).map(id -> "\"" + id + "\"").toList());
		Response created = this.owner.postJson(ws(mission(missionId) + "/tasks"),
				"{\"title\":\"" + title + "\",\"description\":\"" + description + "\",\"depends_on\":[" + deps + "]}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json();
	}

	protected JsonNode get(String missionId) {
		Response got = this.owner.get(ws(mission(missionId)));
		assertThat(got.status()).as(got.body()).isEqualTo(200);
		return got.json();
	}

	protected String missionStatus(String missionId) {
		return get(missionId).get("status").asString();
	}

	protected void awaitMission(String missionId, String status) {
		await("mission " + missionId + " " + status, Duration.ofSeconds(60),
				() -> status.equals(missionStatus(missionId)));
	}

	protected JsonNode taskOf(String missionId, String taskId) {
		return get(missionId).get("tasks")
			.valueStream()
			.filter(task -> task.get("id").asString().equals(taskId))
			.findFirst()
			.orElseThrow();
	}

	protected String taskStatus(String missionId, String taskId) {
		return taskOf(missionId, taskId).get("status").asString();
	}

	protected void awaitTask(String missionId, String taskId, String status) {
		await("task " + taskId + " " + status, Duration.ofSeconds(60),
				() -> status.equals(taskStatus(missionId, taskId)));
	}

	/**
	 * The runs of the mission, oldest first: id, task id (null for the review), agent.
	 */
	protected List<Map<String, Object>> runsOf(String missionId) {
		return this.jdbc.queryForList(
				"select id, task_id, agent_id, prompt, status from run where mission_id = ? order by created_at, id",
				missionId);
	}

	protected Response post(String path) {
		return this.owner.postJson(ws(path), "{}");
	}

	protected static Response patch(TestHttp http, String path, String body) {
		return http.send("PATCH", path, "application/json", body);
	}

	/**
	 * A run's end as the engine announces it (inside a transaction) — for a late or
	 * repeated end of a run that is no longer its task's.
	 */
	protected void finish(String runId, String missionId, String taskId, RunStatus status, String output) {
		finish(runId, missionId, taskId, status, output, RunFinished.Usage.NONE);
	}

	protected void finish(String runId, String missionId, String taskId, RunStatus status, String output,
			RunFinished.Usage usage) {
		new TransactionTemplate(this.transactionManager)
			.executeWithoutResult(tx -> this.publisher.publishEvent(new RunFinished(runId, this.workspaceId,
					this.crew.leadId(), this.crew.id(), Trigger.MISSION, missionId, taskId, null, null, status, output,
					(status == RunStatus.COMPLETED) ? null : "the agent gave up", usage, Instant.now())));
	}

	protected static void assertProblem(Response response, int status, String detailContains) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("detail").asString()).contains(detailContains);
	}

	/**
	 * The events on the mission topic with this key, once at least {@code count} arrived.
	 */
	/**
	 * The events keyed {@code key} once one of them is a {@code mission.updated} to
	 * {@code status}: the mission's row changes before the relay publishes its event, so
	 * a count of events alone can be reached before the last one is on the topic.
	 */
	protected List<JsonNode> eventsUntilStatus(String key, String status) {
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(MISSION_TOPIC,
				read -> read.stream()
					.filter(r -> key.equals(r.key()))
					.map(r -> this.json.readTree(r.value()))
					.anyMatch(e -> e.get("type").asString().equals("mission.updated")
							&& status.equals(e.get("data").path("status").asString(""))),
				Duration.ofSeconds(30));
		return records.stream().filter(r -> key.equals(r.key())).map(r -> this.json.readTree(r.value())).toList();
	}

	protected List<JsonNode> events(String key, int count) {
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(MISSION_TOPIC,
				read -> read.stream().filter(r -> key.equals(r.key())).count() >= count, Duration.ofSeconds(30));
		return records.stream().filter(r -> key.equals(r.key())).map(r -> this.json.readTree(r.value())).toList();
	}

}
