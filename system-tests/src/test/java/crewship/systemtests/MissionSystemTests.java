package crewship.systemtests;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.platform.testing.WsClient;
import crewship.systemtests.Client.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mission through the gateway with the real engine: mission-service learns the crew and
 * its agents from crew-service's events, runs each task whose dependencies are done on
 * the local runtime, hands the last task the outputs it waited for, and the LEAD's review
 * completes the mission; a subscriber of {@code mission:{id}} sees it move.
 */
class MissionSystemTests {

	static final Duration WAIT = Duration.ofSeconds(90);

	static String gateway;

	@BeforeAll
	static void startSuite() {
		gateway = RunningSuite.get().gatewayUrl();
		IdentitySystemTests.startSuite();
	}

	private static Response post(IdentitySystemTests.SignedIn user, String path, String json) {
		return Client.post(gateway + path, json, "Cookie", user.cookieHeader(), "Origin", gateway);
	}

	private static String created(Response response) {
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.json().get("id").asString();
	}

	@Test
	void aThreeTaskMissionWithADependencyRunsToCompleted() throws Exception {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		String ws = "?workspace_id=" + workspaceId;
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String slug = "msn-" + suffix;
		String crewId = created(
				post(owner, "/api/v1/crews" + ws, "{\"name\":\"Mission Crew\",\"slug\":\"" + slug + "\"}"));
		String leadId = created(post(owner, "/api/v1/agents" + ws, "{\"name\":\"Lead\",\"slug\":\"lead-" + suffix
				+ "\",\"crew_id\":\"" + crewId + "\",\"agent_role\":\"LEAD\"}"));
		String devId = created(post(owner, "/api/v1/agents" + ws,
				"{\"name\":\"Dev\",\"slug\":\"dev-" + suffix + "\",\"crew_id\":\"" + crewId + "\"}"));

		// the crew's agents reach mission-service through Kafka (it waits a few seconds)
		String missions = "/api/v1/crews/" + slug + "/missions";
		String body = "{\"title\":\"Release notes\",\"description\":\"Write and publish them\",\"lead_agent_id\":\""
				+ leadId + "\"}";
		Response mission = post(owner, missions + ws, body);
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (mission.status() != 201 && System.nanoTime() < deadline) {
			Thread.sleep(500);
			mission = post(owner, missions + ws, body);
		}
		String missionId = created(mission);
		assertThat(mission.json().get("status").asString()).isEqualTo("PLANNING");
		String path = missions + "/" + missionId;

		String collect = created(post(owner, path + "/tasks" + ws,
				"{\"title\":\"Collect changes\",\"assigned_agent_id\":\"" + devId + "\",\"task_order\":1}"));
		String draft = created(post(owner, path + "/tasks" + ws, "{\"title\":\"Draft notes\",\"task_order\":2}"));
		String publish = created(post(owner, path + "/tasks" + ws, "{\"title\":\"Publish\",\"task_order\":3,"
				+ "\"depends_on\":[\"" + collect + "\",\"" + draft + "\"]}"));

		WsClient socket = RealtimeSystemTests.connect(gateway, owner);
		RealtimeSystemTests.subscribe(socket, "crew:" + crewId);

		Response started = post(owner, path + "/start" + ws, "{}");
		assertThat(started.status()).as(started.body()).isEqualTo(200);
		assertThat(post(owner, path + "/start" + ws, "{}").status()).as("started once").isEqualTo(409);

		JsonNode done = null;
		deadline = System.nanoTime() + WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			done = Client.get(gateway + path + ws, "Cookie", owner.cookieHeader()).json();
			String status = done.get("status").asString();
			if (status.equals("COMPLETED") || status.equals("FAILED")) {
				break;
			}
			Thread.sleep(500);
		}
		assertThat(done).isNotNull();
		assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
		assertThat(done.get("task_stats").get("completed").asInt()).isEqualTo(3);
		JsonNode last = done.get("tasks")
			.valueStream()
			.filter(task -> task.get("id").asString().equals(publish))
			.findFirst()
			.orElseThrow();
		assertThat(last.get("status").asString()).isEqualTo("COMPLETED");
		JsonNode first = done.get("tasks")
			.valueStream()
			.filter(task -> task.get("id").asString().equals(collect))
			.findFirst()
			.orElseThrow();
		assertThat(first.get("assigned_agent_id").asString()).isEqualTo(devId);
		assertThat(first.get("result_summary").asString()).isNotBlank();

		JsonNode frame = socket.next("mission.updated", WAIT);
		assertThat(frame).as("mission.updated on crew:" + crewId).isNotNull();
		assertThat(frame.get("payload").get("id").asString()).isEqualTo(missionId);

		JsonNode metrics = Client.get(gateway + "/api/v1/mission-metrics" + ws, "Cookie", owner.cookieHeader()).json();
		assertThat(metrics.get("completed_24h").asLong()).isEqualTo(1);
		assertThat(metrics.get("tasks_completed_24h").asLong()).isEqualTo(3);
	}

}
