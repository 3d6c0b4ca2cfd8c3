package crewship.systemtests;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.platform.testing.WsClient;
import crewship.systemtests.Client.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issues through the gateway: issue-service learns the crew (its {@code issue_prefix}),
 * its LEAD and the assignee from crew-service's events, and the owner's name from
 * auth-service's membership records; labels, projects, issues, comments and relations are
 * made over REST, the filtered list finds them, and a WebSocket subscriber of the
 * workspace sees the {@code issue.*} events.
 */
class IssueSystemTests {

	static final Duration WAIT = Duration.ofSeconds(30);

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
	void labelProjectIssuesCommentRelationListAndTheWebSocketSeesThem() throws Exception {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		String ws = "?workspace_id=" + workspaceId;
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		WsClient socket = RealtimeSystemTests.connect(gateway, owner);
		RealtimeSystemTests.subscribe(socket, "workspace:" + workspaceId);

		String crewId = created(post(owner, "/api/v1/crews" + ws,
				"{\"name\":\"Engineering\",\"slug\":\"eng-" + suffix + "\",\"issue_prefix\":\"ENG\"}"));
		created(post(owner, "/api/v1/agents" + ws, "{\"name\":\"Lead\",\"slug\":\"lead-" + suffix + "\",\"crew_id\":\""
				+ crewId + "\",\"agent_role\":\"LEAD\"}"));
		String agentId = created(post(owner, "/api/v1/agents" + ws,
				"{\"name\":\"Backend Dev\",\"slug\":\"dev-" + suffix + "\",\"crew_id\":\"" + crewId + "\"}"));
		String labelId = created(post(owner, "/api/v1/labels" + ws, "{\"name\":\"bug\",\"color\":\"#ef4444\"}"));
		String projectId = created(post(owner, "/api/v1/projects" + ws, "{\"name\":\"Auth hardening\"}"));

		// the crew and its agents reach issue-service through Kafka: retry until they
		// have
		String issuesPath = "/api/v1/crews/" + crewId + "/issues" + ws;
		String body = "{\"title\":\"Fix login token refresh\",\"priority\":\"high\",\"assignee_type\":\"agent\","
				+ "\"assignee_id\":\"" + agentId + "\",\"labels\":[\"" + labelId + "\"],\"project_id\":\"" + projectId
				+ "\"}";
		Response first = post(owner, issuesPath, body);
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (first.status() != 201 && System.nanoTime() < deadline) {
			Thread.sleep(500);
			first = post(owner, issuesPath, body);
		}
		assertThat(first.status()).as(first.body()).isEqualTo(201);
		JsonNode issue = first.json();
		assertThat(issue.get("identifier").asString()).isEqualTo("ENG-1");
		assertThat(issue.get("assignee_name").asString()).isEqualTo("Backend Dev");
		assertThat(issue.get("crew_name").asString()).isEqualTo("Engineering");
		assertThat(issue.get("created_by").get("name").asString()).isEqualTo("Sam Tester");
		assertThat(issue.get("labels").get(0).get("name").asString()).isEqualTo("bug");

		JsonNode createdFrame = socket.next("issue.created", WAIT);
		assertThat(createdFrame).as("issue.created on the socket").isNotNull();
		assertThat(createdFrame.get("payload").get("id").asString()).isEqualTo(issue.get("id").asString());
		assertThat(createdFrame.get("payload").get("identifier").asString()).isEqualTo("ENG-1");

		Response comment = post(owner, "/api/v1/crews/" + crewId + "/issues/ENG-1/comments" + ws,
				"{\"body\":\"Reproduced on staging\"}");
		assertThat(comment.status()).as(comment.body()).isEqualTo(201);
		assertThat(comment.json().get("author_name").asString()).isEqualTo("Sam Tester");
		JsonNode updatedFrame = socket.next("issue.updated", WAIT);
		assertThat(updatedFrame).as("issue.updated on the socket").isNotNull();
		assertThat(updatedFrame.get("payload").get("change").asString()).isEqualTo("comment_added");

		assertThat(post(owner, issuesPath, "{\"title\":\"Deploy auth service\"}").status()).isEqualTo(201);
		Response related = post(owner, "/api/v1/crews/" + crewId + "/issues/ENG-1/relations" + ws,
				"{\"target_identifier\":\"ENG-2\",\"relation_type\":\"blocks\"}");
		assertThat(related.status()).as(related.body()).isEqualTo(201);
		Response reversed = post(owner, "/api/v1/crews/" + crewId + "/issues/ENG-2/relations" + ws,
				"{\"target_identifier\":\"ENG-1\",\"relation_type\":\"blocks\"}");
		assertThat(reversed.status()).as("a blocks cycle").isEqualTo(409);
		JsonNode relations = Client
			.get(gateway + "/api/v1/crews/" + crewId + "/issues/ENG-2/relations" + ws, "Cookie", owner.cookieHeader())
			.json();
		assertThat(relations.get(0).get("relation_type").asString()).isEqualTo("blocked_by");
		assertThat(relations.get(0).get("target_identifier").asString()).isEqualTo("ENG-1");

		Response listed = Client.get(gateway + "/api/v1/issues" + ws + "&status=BACKLOG,TODO&label=bug&search=token",
				"Cookie", owner.cookieHeader());
		assertThat(listed.status()).as(listed.body()).isEqualTo(200);
		List<String> identifiers = listed.json().valueStream().map(i -> i.get("identifier").asString()).toList();
		assertThat(identifiers).containsExactly("ENG-1");
		assertThat(listed.json().get(0).get("comment_count").asInt()).isEqualTo(1);
		Response byCrew = Client.get(gateway + "/api/v1/issues" + ws + "&crew_id=" + crewId + "&sort=priority",
				"Cookie", owner.cookieHeader());
		assertThat(byCrew.json().valueStream().map(i -> i.get("identifier").asString())).containsExactly("ENG-1",
				"ENG-2");

		// a stranger sees neither the issues nor the workspace
		IdentitySystemTests.SignedIn stranger = IdentitySystemTests.signUpAndIn();
		assertThat(Client.get(gateway + "/api/v1/issues/ENG-1" + ws, "Cookie", stranger.cookieHeader()).status())
			.isEqualTo(404);
		socket.close();
	}

}
