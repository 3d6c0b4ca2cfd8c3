package crewship.issue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workspace list against a seeded set: every filter of the page alone and combined,
 * each sort, pagination, and the refusals of unknown values.
 */
class IssueListTests extends IssueTestSupport {

	Crew alpha;

	Crew beta;

	String agentId;

	String bugLabel;

	String projectId;

	@BeforeEach
	void seed() {
		this.alpha = crew("ALP");
		this.beta = crew("BET");
		this.agentId = projectedAgent(this.alpha.id(), "Seeder");
		this.bugLabel = this.owner.postJson(ws("/api/v1/labels"), "{\"name\":\"Bug\",\"color\":\"#ef4444\"}")
			.json()
			.get("id")
			.asString();
		String featureLabel = this.owner.postJson(ws("/api/v1/labels"), "{\"name\":\"feature\",\"color\":\"#22c55e\"}")
			.json()
			.get("id")
			.asString();
		this.projectId = this.owner.postJson(ws("/api/v1/projects"), "{\"name\":\"Seeded project\"}")
			.json()
			.get("id")
			.asString();
		// ALP-1..4, BET-1..2, created in this order
		issue(this.alpha, "Login fails with 100% CPU", "\"priority\":\"urgent\",\"labels\":[\"" + this.bugLabel
				+ "\"],\"assignee_type\":\"agent\",\"assignee_id\":\"" + this.agentId + "\"");
		issue(this.alpha, "Login page redesign",
				"\"priority\":\"low\",\"labels\":[\"" + featureLabel + "\"],\"project_id\":\"" + this.projectId + "\"");
		issue(this.alpha, "Crash on logout_now", "\"priority\":\"high\",\"labels\":[\"" + this.bugLabel + "\",\""
				+ featureLabel + "\"],\"project_id\":\"" + this.projectId + "\"");
		issue(this.alpha, "Docs typo", "");
		issue(this.beta, "Beta login bug", "\"priority\":\"medium\",\"labels\":[\"" + this.bugLabel + "\"]");
		issue(this.beta, "Beta chores", "\"priority\":\"urgent\"");
		patch(this.owner, ws("/api/v1/crews/" + this.alpha.id() + "/issues/ALP-1"), "{\"status\":\"TODO\"}");
		patch(this.owner, ws("/api/v1/crews/" + this.alpha.id() + "/issues/ALP-3"), "{\"status\":\"IN_PROGRESS\"}");
		patch(this.owner, ws("/api/v1/crews/" + this.beta.id() + "/issues/BET-1"), "{\"status\":\"TODO\"}");
		patch(this.owner, ws("/api/v1/crews/" + this.alpha.id() + "/issues/ALP-4"), "{\"sort_order\":-5}");
	}

	private List<String> list(String query) {
		Response listed = this.owner.get(ws("/api/v1/issues" + query));
		assertThat(listed.status()).as(listed.body()).isEqualTo(200);
		return listed.json().valueStream().map(issue -> issue.get("identifier").asString()).toList();
	}

	@Test
	void defaultIsNewestFirstAndEveryFilterNarrows() {
		assertThat(list("")).containsExactly("BET-2", "BET-1", "ALP-4", "ALP-3", "ALP-2", "ALP-1");
		assertThat(list("?status=TODO,IN_PROGRESS")).containsExactly("BET-1", "ALP-3", "ALP-1");
		assertThat(list("?status=todo")).containsExactly("BET-1", "ALP-1");
		assertThat(list("?priority=urgent,high")).containsExactly("BET-2", "ALP-3", "ALP-1");
		assertThat(list("?project_id=" + this.projectId)).containsExactly("ALP-3", "ALP-2");
		assertThat(list("?crew_id=" + this.beta.id())).containsExactly("BET-2", "BET-1");
		assertThat(list("?crew_id=" + this.beta.slug())).containsExactly("BET-2", "BET-1");
		assertThat(list("?assignee_id=" + this.agentId)).containsExactly("ALP-1");
		assertThat(list("?label=bug")).containsExactly("BET-1", "ALP-3", "ALP-1");
		assertThat(list("?search=LOGIN")).containsExactly("BET-1", "ALP-2", "ALP-1");
		// LIKE's wildcards are matched literally
		assertThat(list("?search=100%25")).containsExactly("ALP-1");
		assertThat(list("?search=logout_")).containsExactly("ALP-3");
		assertThat(list("?search=_")).containsExactly("ALP-3");
		// the benchmark's combination
		assertThat(list("?status=TODO,IN_PROGRESS&label=Bug&search=login")).containsExactly("BET-1", "ALP-1");
		assertThat(list("?mission_type=issue&crew_id=" + this.alpha.id() + "&label=feature")).containsExactly("ALP-3",
				"ALP-2");
		assertThat(list("?mission_type=mission")).isEmpty();
		assertThat(list("?label=nope")).isEmpty();
	}

	@Test
	void sortsAndPages() {
		assertThat(list("?sort=priority")).containsExactly("BET-2", "ALP-1", "ALP-3", "BET-1", "ALP-2", "ALP-4");
		assertThat(list("?sort=sort_order")).containsExactly("ALP-4", "ALP-1", "ALP-2", "ALP-3", "BET-1", "BET-2");
		assertThat(list("?sort=updated_at").get(0)).isEqualTo("ALP-4");
		assertThat(list("?limit=2")).containsExactly("BET-2", "BET-1");
		assertThat(list("?limit=2&offset=2")).containsExactly("ALP-4", "ALP-3");
		assertThat(list("?offset=6")).isEmpty();
	}

	@Test
	void listRowsCarryNamesLabelsAndCounts() {
		JsonNode first = this.owner.get(ws("/api/v1/issues?search=CPU")).json().get(0);
		assertThat(first.get("assignee_name").asString()).isEqualTo("Seeder");
		assertThat(first.get("crew_slug").asString()).isEqualTo(this.alpha.slug());
		assertThat(first.get("labels").get(0).get("name").asString()).isEqualTo("Bug");
		assertThat(first.get("labels").get(0).get("color").asString()).isEqualTo("#ef4444");
		assertThat(first.get("comment_count").asInt()).isZero();
		JsonNode projected = this.owner.get(ws("/api/v1/issues?project_id=" + this.projectId + "&limit=1")).json();
		assertThat(projected.get(0).get("project_name").asString()).isEqualTo("Seeded project");
	}

	@Test
	void unknownFilterValuesAre400() {
		assertProblem(this.owner.get(ws("/api/v1/issues?status=DOING")), 400, "status must be one of");
		assertProblem(this.owner.get(ws("/api/v1/issues?priority=p0")), 400, "priority must be one of");
		assertProblem(this.owner.get(ws("/api/v1/issues?sort=title")), 400, "sort must be one of");
		assertProblem(this.owner.get(ws("/api/v1/issues?mission_type=epic")), 400, "mission_type");
		assertProblem(this.owner.get(ws("/api/v1/issues?limit=101")), 400, "limit");
	}

	@Test
	void bulkUpdateAppliesToAllOrNone() {
		List<String> alphaIds = this.owner.get(ws("/api/v1/issues?crew_id=" + this.alpha.id()))
			.json()
			.valueStream()
			.map(issue -> issue.get("id").asString())
			.toList();
		String betaTwo = this.owner.get(ws("/api/v1/issues/BET-2")).json().get("id").asString();
		String bet1 = this.owner.get(ws("/api/v1/issues/BET-1")).json().get("id").asString();

		// DUPLICATE is terminal: BET-2 cannot take status TODO, and the foreign id is
		// unknown
		patch(this.owner, ws("/api/v1/crews/" + this.beta.id() + "/issues/BET-2"), "{\"status\":\"DUPLICATE\"}");
		String foreign = crewship.platform.ids.Cuid.next();
		Response refused = this.owner.send("PATCH", ws("/api/v1/issues/bulk"), "application/json",
				"{\"ids\":[\"" + bet1 + "\",\"" + betaTwo + "\",\"" + foreign
						+ "\"],\"updates\":{\"status\":\"TODO\",\"priority\":\"low\",\"labels\":[]}}");
		assertProblem(refused, 400, "2 of 3 issues cannot take this update; nothing was changed");
		JsonNode errors = refused.json().get("errors");
		assertThat(errors.valueStream().map(error -> error.get("id").asString())).containsExactly(betaTwo, foreign);
		assertThat(errors.get(0).get("detail").asString()).contains("DUPLICATE -> TODO");
		assertThat(errors.get(1).get("detail").asString()).contains("not found");
		// nothing changed, not even the valid item
		JsonNode untouched = this.owner.get(ws("/api/v1/issues/BET-1")).json();
		assertThat(untouched.get("priority").asString()).isEqualTo("medium");
		assertThat(untouched.get("labels").size()).isEqualTo(1);

		Response applied = this.owner.send("PATCH", ws("/api/v1/issues/bulk"), "application/json",
				"{\"ids\":" + this.json.writeValueAsString(alphaIds)
						+ ",\"updates\":{\"priority\":\"high\",\"labels\":[\"" + this.bugLabel + "\"],\"project_id\":\""
						+ this.projectId + "\"}}");
		assertThat(applied.status()).as(applied.body()).isEqualTo(200);
		// ALP-3 was high already but carried both labels: changed too, so all four
		assertThat(applied.json().get("updated").asInt()).isEqualTo(4);
		assertThat(list("?label=bug&crew_id=" + this.alpha.id())).hasSize(4);
		assertThat(list("?priority=high&project_id=" + this.projectId)).hasSize(4);
		// the same again changes nothing
		Response again = this.owner.send("PATCH", ws("/api/v1/issues/bulk"), "application/json",
				"{\"ids\":" + this.json.writeValueAsString(alphaIds) + ",\"updates\":{\"priority\":\"high\"}}");
		assertThat(again.json().get("updated").asInt()).isZero();
		assertThat(types(events(this.workspaceId, 1))).containsExactly("issues.bulk_updated");

		assertProblem(
				this.owner.send("PATCH", ws("/api/v1/issues/bulk"), "application/json", "{\"ids\":[],\"updates\":{}}"),
				400, "ids is required");
		String hundredAndOne = this.json.writeValueAsString(java.util.Collections.nCopies(101, "x"));
		assertProblem(this.owner.send("PATCH", ws("/api/v1/issues/bulk"), "application/json",
				"{\"ids\":" + hundredAndOne + ",\"updates\":{}}"), 400, "at most 100");
	}

}
