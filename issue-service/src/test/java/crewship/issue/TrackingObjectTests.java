package crewship.issue;

import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Labels, projects (with stats), milestones and saved views, as their pages say. */
class TrackingObjectTests extends IssueTestSupport {

	@Test
	void labelsAreUniquePerWorkspaceWhateverTheirCase() {
		Response created = this.owner.postJson(ws("/api/v1/labels"),
				"{\"name\":\"Bug\",\"color\":\"#EF4444\",\"label_group\":\"type\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.json().get("id").asString();
		assertProblem(this.owner.postJson(ws("/api/v1/labels"), "{\"name\":\"bug\",\"color\":\"#000\"}"), 409,
				"already exists");
		assertProblem(this.owner.postJson(ws("/api/v1/labels"), "{\"name\":\"No colour\"}"), 400, "color is required");
		this.owner.postJson(ws("/api/v1/labels"), "{\"name\":\"Alpha\",\"color\":\"#111\"}");
		assertThat(this.owner.get(ws("/api/v1/labels")).json().valueStream().map(l -> l.get("name").asString()))
			.containsExactly("Alpha", "Bug");

		Response renamed = patch(this.owner, ws("/api/v1/labels/" + id), "{\"name\":\"Defect\",\"label_group\":null}");
		assertThat(renamed.json().get("name").asString()).isEqualTo("Defect");
		assertThat(renamed.json().get("label_group").isNull()).isTrue();
		assertProblem(patch(this.owner, ws("/api/v1/labels/" + id), "{}"), 400, "No fields to update");
		assertProblem(patch(this.owner, ws("/api/v1/labels/" + id), "{\"name\":\"alpha\"}"), 409, "already exists");
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		assertThat(manager.postJson(ws("/api/v1/labels"), "{\"name\":\"Mgr\",\"color\":\"#222\"}").status())
			.isEqualTo(201);
		assertProblem(patch(manager, ws("/api/v1/labels/" + id), "{\"color\":\"#333\"}"), 403, "MANAGER");
		assertProblem(manager.delete(ws("/api/v1/labels/" + id)), 403, "MANAGER");

		// another workspace neither sees nor touches it
		String otherWorkspace = Cuid.next();
		member(otherWorkspace, this.ownerId, WorkspaceRole.OWNER, "Ada Owner");
		assertThat(this.owner.get("/api/v1/labels?workspace_id=" + otherWorkspace).body()).isEqualTo("[]");
		assertProblem(this.owner.delete("/api/v1/labels/" + id + "?workspace_id=" + otherWorkspace), 404,
				"Label not found");
		assertThat(this.owner
			.postJson("/api/v1/labels?workspace_id=" + otherWorkspace, "{\"name\":\"Defect\",\"color\":\"#000\"}")
			.status()).isEqualTo(201);

		// deleting detaches it from issues
		Crew crew = crew("LBL");
		issue(crew, "Labelled", "\"labels\":[\"" + id + "\"]");
		assertThat(this.owner.delete(ws("/api/v1/labels/" + id)).status()).isEqualTo(204);
		assertThat(this.owner.get(ws("/api/v1/issues/LBL-1")).json().get("labels").size()).isZero();
		assertThat(types(events(id, 3))).containsExactly("label.created", "label.updated", "label.deleted");
	}

	@Test
	void projectsRollUpTheirIssuesAndDeleteUnlinksThem() {
		String leadId = newMemberId(WorkspaceRole.MEMBER);
		Response created = this.owner.postJson(ws("/api/v1/projects"),
				"{\"name\":\"Q1 Backend Overhaul\","
						+ "\"icon\":\"rocket\",\"priority\":\"high\",\"lead_type\":\"user\",\"lead_id\":\"" + leadId
						+ "\",\"start_date\":\"2026-01-01\",\"target_date\":\"2026-03-31\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		JsonNode project = created.json();
		String id = project.get("id").asString();
		assertThat(project.get("slug").asString()).isEqualTo("q1-backend-overhaul");
		assertThat(project.get("color").asString()).isEqualTo("blue");
		assertThat(project.get("status").asString()).isEqualTo("backlog");
		assertThat(project.get("health").asString()).isEqualTo("on_track");
		assertThat(project.get("lead_name").asString()).startsWith("Member ");
		assertThat(project.get("progress").asInt()).isZero();
		assertProblem(this.owner.postJson(ws("/api/v1/projects"), "{\"name\":\"q1 backend-overhaul\"}"), 409, "slug");
		assertProblem(
				this.owner.postJson(ws("/api/v1/projects"),
						"{\"name\":\"Led by a stranger\",\"lead_type\":\"user\",\"lead_id\":\"" + Cuid.next() + "\"}"),
				400, "lead_id");

		Crew crew = crew("PRJ");
		String agentId = projectedAgent(crew.id(), "Builder");
		String label = this.owner.postJson(ws("/api/v1/labels"), "{\"name\":\"bug\",\"color\":\"#ef4444\"}")
			.json()
			.get("id")
			.asString();
		String projectRef = "\"project_id\":\"" + id + "\"";
		issue(crew, "One", projectRef + ",\"assignee_id\":\"" + agentId + "\",\"labels\":[\"" + label + "\"]");
		issue(crew, "Two", projectRef + ",\"assignee_id\":\"" + agentId + "\"");
		issue(crew, "Three", projectRef);
		patch(this.owner, ws("/api/v1/crews/" + crew.id() + "/issues/PRJ-1"), "{\"status\":\"IN_PROGRESS\"}");
		patch(this.owner, ws("/api/v1/crews/" + crew.id() + "/issues/PRJ-1"), "{\"status\":\"DONE\"}");

		JsonNode fetched = this.owner.get(ws("/api/v1/projects/" + id)).json();
		assertThat(fetched.get("issue_count").asInt()).isEqualTo(3);
		assertThat(fetched.get("done_count").asInt()).isEqualTo(1);
		assertThat(fetched.get("progress").asInt()).isEqualTo(33);
		JsonNode stats = this.owner.get(ws("/api/v1/projects/" + id + "/stats")).json();
		assertThat(stats.get("total_issues").asInt()).isEqualTo(3);
		assertThat(stats.get("completed_issues").asInt()).isEqualTo(1);
		assertThat(stats.get("by_status").get("BACKLOG").asInt()).isEqualTo(2);
		assertThat(stats.get("by_assignee").get(0).get("agent_name").asString()).isEqualTo("Builder");
		assertThat(stats.get("by_assignee").get(0).get("total").asInt()).isEqualTo(2);
		assertThat(stats.get("by_assignee").get(0).get("completed").asInt()).isEqualTo(1);
		assertThat(stats.get("by_label").get(0).get("label_name").asString()).isEqualTo("bug");
		assertThat(stats.get("crews").get(0).asString()).isEqualTo(crew.id());

		Response renamed = patch(this.owner, ws("/api/v1/projects/" + id),
				"{\"name\":\"Q2 Plan\",\"health\":\"at_risk\"}");
		assertThat(renamed.json().get("slug").asString()).isEqualTo("q2-plan");
		assertThat(renamed.json().get("health").asString()).isEqualTo("at_risk");
		assertProblem(patch(this.owner, ws("/api/v1/projects/" + id), "{\"created_at\":\"x\"}"), 400, "No fields");
		assertThat(this.owner.get(ws("/api/v1/projects?sort=updated_at&status=backlog"))
			.json()
			.get(0)
			.get("id")
			.asString()).isEqualTo(id);

		assertProblem(newMember(WorkspaceRole.MANAGER).delete(ws("/api/v1/projects/" + id)), 403, "MANAGER");
		assertThat(this.owner.delete(ws("/api/v1/projects/" + id)).status()).isEqualTo(204);
		assertThat(this.owner.get(ws("/api/v1/issues/PRJ-2")).json().get("project_id").isNull()).isTrue();
		assertProblem(this.owner.get(ws("/api/v1/projects/" + id)), 404, "Project not found");
		assertThat(types(events(id, 3))).containsExactly("project.created", "project.updated", "project.deleted");
	}

	@Test
	void milestonesAreOrderedByPositionAndUnlinkOnDelete() {
		String projectId = this.owner.postJson(ws("/api/v1/projects"), "{\"name\":\"Release\"}")
			.json()
			.get("id")
			.asString();
		String base = ws("/api/v1/projects/" + projectId + "/milestones");
		Response beta = this.owner.postJson(base, "{\"name\":\"Beta cut\",\"target_date\":\"2026-06-15\"}");
		assertThat(beta.status()).as(beta.body()).isEqualTo(201);
		assertThat(beta.json().get("position").asInt()).isEqualTo(1);
		assertThat(beta.json().get("status").asString()).isEqualTo("active");
		JsonNode ga = this.owner.postJson(base, "{\"name\":\"GA\",\"status\":\"\"}").json();
		assertThat(ga.get("position").asInt()).isEqualTo(2);
		assertThat(ga.get("status").asString()).isEqualTo("active");
		assertProblem(this.owner.postJson(base, "{\"description\":\"no name\"}"), 400, "name is required");
		assertProblem(this.owner.postJson(ws("/api/v1/projects/" + Cuid.next() + "/milestones"), "{\"name\":\"x\"}"),
				404, "Project not found");

		String betaId = beta.json().get("id").asString();
		Crew crew = crew("MIL");
		issue(crew, "In beta", "\"milestone_id\":\"" + betaId + "\"");
		patch(this.owner, ws("/api/v1/crews/" + crew.id() + "/issues/MIL-1"), "{\"status\":\"IN_PROGRESS\"}");
		patch(this.owner, ws("/api/v1/crews/" + crew.id() + "/issues/MIL-1"), "{\"status\":\"DONE\"}");
		Response moved = patch(this.owner, ws("/api/v1/milestones/" + betaId), "{\"position\":3}");
		assertThat(moved.json().get("issue_count").asInt()).isEqualTo(1);
		assertThat(moved.json().get("done_count").asInt()).isEqualTo(1);
		assertThat(this.owner.get(base).json().valueStream().map(m -> m.get("name").asString())).containsExactly("GA",
				"Beta cut");
		assertProblem(patch(this.owner, ws("/api/v1/milestones/" + betaId), "{}"), 400, "No fields");

		String otherWorkspace = Cuid.next();
		member(otherWorkspace, this.ownerId, WorkspaceRole.OWNER, "Ada Owner");
		assertProblem(patch(this.owner, "/api/v1/milestones/" + betaId + "?workspace_id=" + otherWorkspace,
				"{\"name\":\"x\"}"), 404, "Milestone not found");
		assertThat(this.owner.delete(ws("/api/v1/milestones/" + betaId)).status()).isEqualTo(204);
		assertThat(this.owner.get(ws("/api/v1/issues/MIL-1")).json().get("milestone_id").isNull()).isTrue();
		assertThat(types(events(betaId, 3))).containsExactly("milestone.created", "milestone.updated",
				"milestone.deleted");
		assertThat(events(betaId, 3).get(0).get("data").get("project_id").asString()).isEqualTo(projectId);
	}

	@Test
	void savedViewsAreTheOwnersAndSharedOnesAreReadOnlyForOthers() {
		Response mine = this.owner.postJson(ws("/api/v1/saved-views"),
				"{\"name\":\"My open bugs\",\"filters_json\":\"{\\\"label\\\":[\\\"bug\\\"]}\",\"sort_json\":null}");
		assertThat(mine.status()).as(mine.body()).isEqualTo(201);
		assertThat(mine.json().get("view_type").asString()).isEqualTo("list");
		assertThat(mine.json().get("is_default").asBoolean()).isFalse();
		String mineId = mine.json().get("id").asString();
		String sharedId = this.owner
			.postJson(ws("/api/v1/saved-views"),
					"{\"name\":\"Team board\",\"filters_json\":\"{}\",\"view_type\":\"board\",\"shared\":true}")
			.json()
			.get("id")
			.asString();
		assertProblem(this.owner.postJson(ws("/api/v1/saved-views"), "{\"name\":\"x\"}"), 400, "filters_json");

		Response promoted = patch(this.owner, ws("/api/v1/saved-views/" + mineId),
				"{\"is_default\":true,\"sort_json\":null}");
		assertThat(promoted.json().get("is_default").asBoolean()).isTrue();
		assertProblem(patch(this.owner, ws("/api/v1/saved-views/" + mineId), "{\"sort_json\":null}"), 400, "No fields");
		assertThat(this.owner.get(ws("/api/v1/saved-views")).json().valueStream().map(v -> v.get("name").asString()))
			.containsExactly("My open bugs", "Team board");

		String managerId = newMemberId(WorkspaceRole.MANAGER);
		TestHttp manager = as(managerId);
		assertThat(manager.get(ws("/api/v1/saved-views")).json().valueStream().map(v -> v.get("name").asString()))
			.containsExactly("Team board");
		assertProblem(patch(manager, ws("/api/v1/saved-views/" + sharedId), "{\"name\":\"mine now\"}"), 403, "owner");
		assertProblem(manager.delete(ws("/api/v1/saved-views/" + sharedId)), 403, "owner");
		assertProblem(manager.delete(ws("/api/v1/saved-views/" + mineId)), 404, "not found");
		// a VIEWER may not create one, but anyone deletes their own
		assertProblem(newMember(WorkspaceRole.VIEWER).postJson(ws("/api/v1/saved-views"),
				"{\"name\":\"v\",\"filters_json\":\"{}\"}"), 403, "VIEWER");
		assertThat(this.owner.delete(ws("/api/v1/saved-views/" + mineId)).status()).isEqualTo(204);
		assertThat(this.owner.get(ws("/api/v1/saved-views")).json().size()).isEqualTo(1);
	}

}
