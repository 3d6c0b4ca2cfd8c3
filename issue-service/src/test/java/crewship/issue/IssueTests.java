package crewship.issue;

import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issues through the HTTP API: numbering, reads by identifier, partial updates along the
 * status table with their activity, delete rules, the page's validation and RBAC.
 */
class IssueTests extends IssueTestSupport {

	@Test
	void issuesAreNumberedPerCrewWithTheCrewsPrefixAndNamedFromTheLocalCopies() {
		Crew eng = crew("ENG");
		Crew other = crew(null);
		String agentId = projectedAgent(eng.id(), "Backend Dev");
		JsonNode first = issue(eng, "Fix token refresh",
				"\"priority\":\"high\",\"assignee_type\":\"agent\",\"assignee_id\":\"" + agentId
						+ "\",\"due_date\":\"2026-02-01\",\"description\":\"Tokens expire\",\"estimate\":3");
		JsonNode second = issue(eng, "Second", "");
		JsonNode elsewhere = issue(other, "Elsewhere", "");

		assertThat(first.get("identifier").asString()).isEqualTo("ENG-1");
		assertThat(first.get("number").asInt()).isEqualTo(1);
		assertThat(second.get("identifier").asString()).isEqualTo("ENG-2");
		// without issue_prefix: the first three letters of the slug ("crew-…")
		assertThat(elsewhere.get("identifier").asString()).isEqualTo("CRE-1");
		assertThat(first.get("status").asString()).isEqualTo("BACKLOG");
		assertThat(first.get("priority").asString()).isEqualTo("high");
		assertThat(first.get("assignee_name").asString()).isEqualTo("Backend Dev");
		assertThat(first.get("crew_name").asString()).isEqualTo("Crew " + eng.slug());
		assertThat(first.get("crew_slug").asString()).isEqualTo(eng.slug());
		assertThat(first.get("lead_agent_id").asString()).isEqualTo(eng.leadId());
		assertThat(first.get("created_by").get("name").asString()).isEqualTo("Ada Owner");
		assertThat(first.get("created_by").get("type").asString()).isEqualTo("user");
		assertThat(first.get("authored_via").asString()).isEqualTo("user_api");
		assertThat(first.get("due_date").asString()).isEqualTo("2026-02-01");
		assertThat(first.get("mission_type").asString()).isEqualTo("issue");
		assertThat(first.get("labels").isArray()).isTrue();
		assertThat(second.get("priority").asString()).isEqualTo("none");

		// workspace-wide by identifier, crew-scoped by identifier (crew by id or slug) or
		// id
		assertThat(this.owner.get(ws("/api/v1/issues/ENG-1")).json().get("id").asString())
			.isEqualTo(first.get("id").asString());
		assertThat(this.owner.get(ws("/api/v1/issues/eng-1")).status()).isEqualTo(200);
		assertThat(this.owner.get(ws("/api/v1/crews/" + eng.slug() + "/issues/ENG-2")).json().get("id").asString())
			.isEqualTo(second.get("id").asString());
		assertThat(this.owner.get(ws("/api/v1/crews/" + eng.id() + "/issues/" + second.get("id").asString())).status())
			.isEqualTo(200);
		assertProblem(this.owner.get(ws("/api/v1/crews/" + other.id() + "/issues/ENG-1")), 404, "Issue not found");
		assertProblem(this.owner.get(ws("/api/v1/issues/ENG-99")), 404, "Issue not found");

		assertThat(types(events(first.get("id").asString(), 1))).containsExactly("issue.created");
	}

	@Test
	void createFollowsThePagesRules() {
		Crew crew = crew("VAL");
		String path = ws("/api/v1/crews/" + crew.id() + "/issues");
		assertProblem(this.owner.postJson(path, "{\"title\":\" \"}"), 400, "title is required");
		assertProblem(this.owner.postJson(path, "{\"title\":\"x\",\"priority\":\"blocker\"}"), 400, "priority");
		assertProblem(
				this.owner.postJson(path,
						"{\"title\":\"x\",\"assignee_type\":\"agent\",\"assignee_id\":\"" + Cuid.next() + "\"}"),
				400, "assignee_id names no agent");
		assertProblem(
				this.owner.postJson(path,
						"{\"title\":\"x\",\"assignee_type\":\"user\",\"assignee_id\":\"" + Cuid.next() + "\"}"),
				400, "assignee_id names no user");
		assertProblem(this.owner.postJson(path, "{\"title\":\"x\",\"labels\":[\"" + Cuid.next() + "\"]}"), 400,
				"labels");
		assertProblem(this.owner.postJson(path, "{\"title\":\"x\",\"parent_issue_id\":\"" + Cuid.next() + "\"}"), 400,
				"parent_issue_id");
		assertProblem(this.owner.postJson(path, "{\"title\":\"x\",\"routine_inputs\":{\"a\":1}}"), 400,
				"routine_inputs needs a routine_id");
		assertProblem(this.owner.postJson(path, "{\"title\":\"x\",\"due_date\":\"soon\"}"), 400, "due_date");
		assertProblem(this.owner.postJson(path, "{\"title\":\"x\",\"description\":\"" + "d".repeat(100_001) + "\"}"),
				400, "description is at most 100000");
		assertProblem(this.owner.postJson(path, "{\"title\":"), 400, "Malformed JSON");
		assertProblem(this.owner.postJson(ws("/api/v1/crews/" + Cuid.next() + "/issues"), "{\"title\":\"x\"}"), 404,
				"Crew not found");
		// a crew without a LEAD agent takes no issues
		String crewId = Cuid.next();
		publish(CREW_TOPIC, crewId, "crew.created", this.workspaceId, crewId,
				java.util.Map.of("id", crewId, "name", "Leaderless", "slug", "leaderless-" + crewId.substring(20)));
		await("crew projected", () -> this.crews.crew(this.workspaceId, crewId).isPresent());
		assertProblem(this.owner.postJson(ws("/api/v1/crews/" + crewId + "/issues"), "{\"title\":\"x\"}"), 400,
				"no LEAD agent");
		// a user assignee must be a member: a member is fine
		String memberId = newMemberId(WorkspaceRole.MEMBER);
		JsonNode assigned = issue(crew, "For a person",
				"\"assignee_type\":\"user\",\"assignee_id\":\"" + memberId + "\"");
		assertThat(assigned.get("assignee_name").asString()).startsWith("Member ");
	}

	@Test
	void updateMovesAlongTheStatusTableAndLogsActivity() {
		Crew crew = crew("UPD");
		String agentId = projectedAgent(crew.id(), "Worker");
		JsonNode created = issue(crew, "Update me", "\"description\":\"short\"");
		String path = ws("/api/v1/crews/" + crew.id() + "/issues/UPD-1");

		Response todo = patch(this.owner, path, "{\"status\":\"todo\",\"priority\":\"urgent\",\"assignee_id\":\""
				+ agentId + "\",\"description\":\"a much longer description\",\"estimate\":5,\"sort_order\":2.5}");
		assertThat(todo.status()).as(todo.body()).isEqualTo(200);
		assertThat(todo.json().get("status").asString()).isEqualTo("TODO");
		assertThat(todo.json().get("assignee_type").asString()).isEqualTo("agent");
		assertThat(todo.json().get("estimate").asInt()).isEqualTo(5);
		assertThat(todo.json().get("sort_order").asDouble()).isEqualTo(2.5);

		assertProblem(patch(this.owner, path, "{\"status\":\"REVIEW\"}"), 400,
				"Invalid status transition TODO -> REVIEW");
		assertProblem(patch(this.owner, path, "{\"status\":\"LATER\"}"), 400, "status must be one of");
		assertProblem(patch(this.owner, path, "{}"), 400, "No fields to update");
		assertProblem(patch(this.owner, path, "{\"estimate\":\"five\"}"), 400, "estimate must be an integer");
		assertProblem(patch(this.owner, path, "{\"parent_issue_id\":\"" + created.get("id").asString() + "\"}"), 400,
				"cannot be the issue itself");

		Response cleared = patch(this.owner, path, "{\"estimate\":null,\"status\":\"IN_PROGRESS\"}");
		assertThat(cleared.json().get("estimate").isNull()).isTrue();
		Response done = patch(this.owner, path, "{\"status\":\"DONE\"}");
		assertThat(done.json().get("completed_at").isNull()).isFalse();
		Response reopened = patch(this.owner, path, "{\"status\":\"BACKLOG\"}");
		assertThat(reopened.json().get("completed_at").isNull()).isTrue();

		JsonNode activity = this.owner.get(ws("/api/v1/crews/" + crew.id() + "/issues/UPD-1/activity")).json();
		List<String> actions = activity.valueStream().map(entry -> entry.get("action").asString()).toList();
		assertThat(actions).contains("created", "status_changed", "priority_changed", "assignee_changed",
				"description_changed");
		JsonNode described = activity.valueStream()
			.filter(entry -> entry.get("action").asString().equals("description_changed"))
			.findFirst()
			.orElseThrow();
		assertThat(described.get("details").asString()).isEqualTo("description updated (5 → 25 chars)");
		assertThat(described.get("actor_name").asString()).isEqualTo("Ada Owner");
		assertThat(activity.get(0).get("details").asString()).isEqualTo("DONE -> BACKLOG");
		assertThat(types(events(created.get("id").asString(), 5))).containsExactly("issue.created", "issue.updated",
				"issue.updated", "issue.updated", "issue.updated");
	}

	@Test
	void subIssuesAndParentCycles() {
		Crew crew = crew("SUB");
		JsonNode parent = issue(crew, "Parent", "");
		String parentId = parent.get("id").asString();
		JsonNode child = issue(crew, "Child B", "\"parent_issue_id\":\"" + parentId + "\"");
		issue(crew, "Child A", "\"parent_issue_id\":\"" + parentId + "\"");
		patch(this.owner, ws("/api/v1/crews/" + crew.id() + "/issues/SUB-3"), "{\"sort_order\":-1}");

		JsonNode children = this.owner.get(ws("/api/v1/crews/" + crew.id() + "/issues/SUB-1/subtasks")).json();
		assertThat(children.valueStream().map(c -> c.get("title").asString())).containsExactly("Child A", "Child B");
		assertThat(this.owner.get(ws("/api/v1/issues/SUB-1")).json().get("sub_issues_count").asInt()).isEqualTo(2);
		assertThat(this.owner.get(ws("/api/v1/crews/" + crew.id() + "/issues/SUB-2/subtasks")).body()).isEqualTo("[]");
		// the parent cannot become its child's child
		assertProblem(patch(this.owner, ws("/api/v1/crews/" + crew.id() + "/issues/SUB-1"),
				"{\"parent_issue_id\":\"" + child.get("id").asString() + "\"}"), 400, "own ancestor");
	}

	@Test
	void deleteOnlyFromBacklogOrCancelled() {
		Crew crew = crew("DEL");
		JsonNode created = issue(crew, "Delete me", "");
		String path = ws("/api/v1/crews/" + crew.id() + "/issues/DEL-1");
		patch(this.owner, path, "{\"status\":\"TODO\"}");
		assertProblem(this.owner.delete(path), 400, "BACKLOG or CANCELLED");
		patch(this.owner, path, "{\"status\":\"CANCELLED\"}");
		assertThat(this.owner.delete(path).status()).isEqualTo(204);
		assertThat(this.owner.get(path).status()).isEqualTo(404);
		List<JsonNode> events = events(created.get("id").asString(), 4);
		assertThat(types(events)).endsWith("issue.deleted");
		assertThat(events.get(events.size() - 1).get("data").get("identifier").asString()).isEqualTo("DEL-1");
		// the number is never reused
		assertThat(issue(crew, "Next", "").get("identifier").asString()).isEqualTo("DEL-2");
	}

	@Test
	void rolesGateWritesAndAnotherWorkspaceSees404() {
		Crew crew = crew("RBAC");
		issue(crew, "Guarded", "");
		String path = ws("/api/v1/crews/" + crew.id() + "/issues/RBAC-1");
		TestHttp viewer = newMember(WorkspaceRole.VIEWER);
		assertThat(viewer.get(path).status()).isEqualTo(200);
		assertThat(viewer.get(ws("/api/v1/issues")).status()).isEqualTo(200);
		assertProblem(patch(viewer, path, "{\"title\":\"no\"}"), 403, "VIEWER");
		assertProblem(viewer.postJson(ws("/api/v1/crews/" + crew.id() + "/issues"), "{\"title\":\"no\"}"), 403,
				"VIEWER");
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		assertThat(patch(manager, path, "{\"title\":\"yes\"}").status()).isEqualTo(200);

		// a stranger, and the owner of another workspace, see nothing
		TestHttp stranger = as(Cuid.next());
		assertProblem(stranger.get(path), 404, "Workspace not found");
		String otherWorkspace = Cuid.next();
		member(otherWorkspace, this.ownerId, WorkspaceRole.OWNER, "Ada Owner");
		assertProblem(this.owner.get("/api/v1/crews/" + crew.id() + "/issues/RBAC-1?workspace_id=" + otherWorkspace),
				404, "Issue not found");
		assertThat(this.owner.get("/api/v1/issues?workspace_id=" + otherWorkspace).body()).isEqualTo("[]");
		assertProblem(this.owner.get("/api/v1/issues"), 400, "workspace");
		// the header names the workspace too
		assertThat(this.owner.get("/api/v1/issues/RBAC-1", "X-Workspace-ID", this.workspaceId).status()).isEqualTo(200);
	}

}
