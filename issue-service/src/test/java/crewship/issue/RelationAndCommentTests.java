package crewship.issue;

import org.junit.jupiter.api.Test;

import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Relations (kinds, flipping, duplicates, cycles) and comments. */
class RelationAndCommentTests extends IssueTestSupport {

	private Response relate(Crew crew, String from, String to, String type) {
		return this.owner.postJson(ws("/api/v1/crews/" + crew.id() + "/issues/" + from + "/relations"),
				"{\"target_identifier\":\"" + to + "\",\"relation_type\":\"" + type + "\"}");
	}

	private JsonNode relations(Crew crew, String identifier) {
		return this.owner.get(ws("/api/v1/crews/" + crew.id() + "/issues/" + identifier + "/relations")).json();
	}

	@Test
	void relationsReadFlippedFromTheTargetAndDuplicatesAndSelfAre409() {
		Crew crew = crew("REL");
		issue(crew, "Deploy", "");
		issue(crew, "Auth", "");
		issue(crew, "Docs", "");
		Response blocks = relate(crew, "REL-1", "REL-2", "blocks");
		assertThat(blocks.status()).as(blocks.body()).isEqualTo(201);
		assertThat(blocks.json().get("status").asString()).isEqualTo("ok");
		// blocked_by is stored as blocks with the ends swapped
		assertThat(relate(crew, "REL-3", "REL-1", "blocked_by").status()).isEqualTo(201);
		assertThat(relate(crew, "REL-2", "REL-3", "relates_to").status()).isEqualTo(201);

		JsonNode fromOne = relations(crew, "REL-1");
		assertThat(fromOne.valueStream()
			.map(r -> r.get("relation_type").asString() + " " + r.get("target_identifier").asString()))
			.containsExactly("blocks REL-2", "blocks REL-3");
		JsonNode fromTwo = relations(crew, "REL-2");
		assertThat(fromTwo.valueStream()
			.map(r -> r.get("relation_type").asString() + " " + r.get("target_identifier").asString()))
			.containsExactly("blocked_by REL-1", "relates_to REL-3");
		assertThat(fromTwo.get(0).get("target_title").asString()).isEqualTo("Deploy");
		assertThat(fromTwo.get(0).get("target_status").asString()).isEqualTo("BACKLOG");

		assertProblem(relate(crew, "REL-1", "REL-1", "relates_to"), 409, "itself");
		assertProblem(relate(crew, "REL-1", "REL-2", "blocks"), 409, "already exists");
		assertProblem(relate(crew, "REL-2", "REL-1", "blocked_by"), 409, "already exists");
		// relates_to is symmetric: the reverse is the same relation
		assertProblem(relate(crew, "REL-3", "REL-2", "relates_to"), 409, "already exists");
		assertProblem(relate(crew, "REL-1", "REL-9", "blocks"), 404, "Issue not found");
		assertProblem(relate(crew, "REL-1", "REL-2", "causes"), 400, "relation_type");

		JsonNode activity = this.owner.get(ws("/api/v1/crews/" + crew.id() + "/issues/REL-1/activity")).json();
		assertThat(activity.get(0).get("action").asString()).isEqualTo("relation_added");
		assertThat(activity.get(0).get("details").asString()).isEqualTo("blocks REL-2");
	}

	@Test
	void blocksCyclesAreRefusedDirectAndTransitive() {
		Crew crew = crew("CYC");
		for (int i = 1; i <= 4; i++) {
			issue(crew, "Step " + i, "");
		}
		assertThat(relate(crew, "CYC-1", "CYC-2", "blocks").status()).isEqualTo(201);
		assertThat(relate(crew, "CYC-2", "CYC-3", "blocks").status()).isEqualTo(201);
		assertThat(relate(crew, "CYC-3", "CYC-4", "blocks").status()).isEqualTo(201);
		assertProblem(relate(crew, "CYC-2", "CYC-1", "blocks"), 409, "cycle");
		assertProblem(relate(crew, "CYC-4", "CYC-1", "blocks"), 409, "cycle");
		assertProblem(relate(crew, "CYC-1", "CYC-4", "blocked_by"), 409, "cycle");
		// other kinds do not form blocking cycles
		assertThat(relate(crew, "CYC-4", "CYC-1", "relates_to").status()).isEqualTo(201);

		// removing a link opens the way again
		String middle = relations(crew, "CYC-2").valueStream()
			.filter(r -> r.get("target_identifier").asString().equals("CYC-3"))
			.findFirst()
			.orElseThrow()
			.get("id")
			.asString();
		Response removed = this.owner.delete(ws("/api/v1/relations/" + middle));
		assertThat(removed.status()).isEqualTo(200);
		assertThat(removed.json().get("status").asString()).isEqualTo("ok");
		assertThat(relate(crew, "CYC-4", "CYC-1", "blocks").status()).isEqualTo(201);
		assertProblem(this.owner.delete(ws("/api/v1/relations/" + middle)), 404, "Relation not found");
		TestHttp viewer = newMember(WorkspaceRole.VIEWER);
		assertProblem(viewer.delete(ws("/api/v1/relations/" + middle)), 403, "VIEWER");
	}

	@Test
	void commentsAreListedOldestFirstWithTheirAuthorsName() {
		Crew crew = crew("COM");
		JsonNode issue = issue(crew, "Discuss", "");
		String path = ws("/api/v1/crews/" + crew.id() + "/issues/COM-1/comments");
		Response first = this.owner.postJson(path, "{\"body\":\"First\"}");
		assertThat(first.status()).as(first.body()).isEqualTo(201);
		assertThat(first.json().get("author_type").asString()).isEqualTo("user");
		assertThat(first.json().get("author_name").asString()).isEqualTo("Ada Owner");
		assertThat(first.json().get("mission_id").asString()).isEqualTo(issue.get("id").asString());
		this.owner.postJson(path, "{\"body\":\"Second\"}");
		assertProblem(this.owner.postJson(path, "{\"body\":\"  \"}"), 400, "body is required");
		assertProblem(newMember(WorkspaceRole.MEMBER).postJson(path, "{\"body\":\"no\"}"), 403, "MEMBER");

		JsonNode comments = this.owner.get(path).json();
		assertThat(comments.valueStream().map(c -> c.get("body").asString())).containsExactly("First", "Second");
		assertThat(this.owner.get(ws("/api/v1/issues/COM-1")).json().get("comment_count").asInt()).isEqualTo(2);
		assertThat(types(events(issue.get("id").asString(), 3))).containsExactly("issue.created", "issue.updated",
				"issue.updated");
	}

}
