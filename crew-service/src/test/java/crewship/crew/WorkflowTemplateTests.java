package crewship.crew;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workflow templates under both of their paths: the stage rules, canonical JSON, name
 * conflicts, built-in templates first and read-only, roles and events.
 */
class WorkflowTemplateTests extends CrewTestSupport {

	static final String STAGES = "[{\\\"name\\\":\\\"backlog\\\",\\\"type\\\":\\\"open\\\",\\\"position\\\":1},"
			+ "{\\\"name\\\":\\\"done\\\",\\\"type\\\":\\\"completed\\\",\\\"position\\\":2,\\\"color\\\":\\\"#10B981\\\"}]";

	TestHttp owner;

	@BeforeEach
	void validating() {
		this.owner = super.owner.validating();
	}

	@Test
	void templatesAreCreatedReadUpdatedAndDeletedUnderBothPaths() {
		Response created = this.owner.postJson(ws("/api/v1/workflow-templates"),
				"{\"name\":\"Team flow\",\"description\":\"Ours\",\"template_json\":\"" + STAGES
						+ "\",\"icon\":\"hammer\",\"color\":\"#3B82F6\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.json().get("id").asString();
		assertThat(created.json().get("is_builtin").asBoolean()).isFalse();
		assertThat(created.json().get("template_json").asString()).isEqualTo(
				"[{\"name\":\"backlog\",\"type\":\"open\",\"position\":1},{\"name\":\"done\",\"type\":\"completed\",\"position\":2,\"color\":\"#10B981\"}]");

		JsonNode list = this.owner.get(ws("/api/v1/workflow-templates")).json();
		assertThat(list.get(0).get("is_builtin").asBoolean()).isTrue();
		assertThat(list.get(list.size() - 1).get("id").asString()).isEqualTo(id);
		assertThat(SkillTests.slugs(namesAsSlugs(list))).contains("Engineering Standard", "Simple Kanban");
		// the skills page's path serves the same rows, with the workspace named
		Response viaTemplates = this.owner.get(ws("/api/v1/templates/" + id));
		assertThat(viaTemplates.status()).isEqualTo(200);
		assertThat(viaTemplates.json().get("workspace_id").asString()).isEqualTo(this.workspaceId);

		Response updated = patch(this.owner, ws("/api/v1/workflow-templates/" + id),
				"{\"name\":\"Team flow 2\",\"description\":\"\",\"color\":\"\"}");
		assertThat(updated.status()).isEqualTo(200);
		assertThat(updated.json().get("name").asString()).isEqualTo("Team flow 2");
		assertThat(updated.json().get("color").isNull()).isTrue();
		assertThat(updated.json().get("description").isNull()).isTrue();
		// /api/v1/templates takes the stage array as JSON, not only as a string
		Response viaArray = patch(this.owner, ws("/api/v1/templates/" + id),
				"{\"template_json\":[{\"name\":\"todo\",\"type\":\"open\",\"position\":1},{\"name\":\"shipped\",\"type\":\"completed\",\"position\":5}]}");
		assertThat(viaArray.status()).as(viaArray.body()).isEqualTo(200);
		assertThat(viaArray.json().get("template_json").asString()).contains("shipped");

		assertThat(this.owner.delete(ws("/api/v1/templates/" + id)).status()).isEqualTo(204);
		assertThat(this.owner.get(ws("/api/v1/workflow-templates/" + id)).status()).isEqualTo(404);
		assertThat(this.owner.delete(ws("/api/v1/workflow-templates/" + id)).status()).isEqualTo(404);
		assertThat(types(events(id, 4))).containsExactly("workflow_template.created", "workflow_template.updated",
				"workflow_template.updated", "workflow_template.deleted");
		assertThat(events(id, 1).get(0).get("data").toString()).isEqualTo("{\"id\":\"" + id + "\"}");
	}

	@Test
	void theStageRulesAndNameUniquenessAreEnforced() {
		String path = ws("/api/v1/workflow-templates");
		assertProblem(this.owner.postJson(path, "{\"name\":\"x\",\"template_json\":\"[]\"}"), 400,
				"at least one stage");
		assertProblem(this.owner.postJson(path,
				"{\"name\":\"x\",\"template_json\":\"[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"completed\\\",\\\"position\\\":1}]\"}"),
				400, "exactly one stage of type open");
		assertProblem(this.owner.postJson(path,
				"{\"name\":\"x\",\"template_json\":\"[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"open\\\",\\\"position\\\":1}]\"}"),
				400, "at least one stage of type completed");
		assertProblem(this.owner.postJson(path,
				"{\"name\":\"x\",\"template_json\":\"[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"open\\\",\\\"position\\\":0},{\\\"name\\\":\\\"b\\\",\\\"type\\\":\\\"completed\\\",\\\"position\\\":2}]\"}"),
				400, "positive integer position");
		assertProblem(this.owner.postJson(path,
				"{\"name\":\"x\",\"template_json\":\"[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"open\\\",\\\"position\\\":1},{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"completed\\\",\\\"position\\\":2}]\"}"),
				400, "names must be unique");
		assertProblem(this.owner.postJson(path, "{\"name\":\"x\",\"template_json\":\"not json\"}"), 400,
				"not valid JSON");
		assertProblem(this.owner.postJson(path, "{\"template_json\":\"" + STAGES + "\"}"), 400, "name");
		assertThat(this.owner.postJson(path, "{\"name\":\"Same\",\"template_json\":\"" + STAGES + "\"}").status())
			.isEqualTo(201);
		assertProblem(this.owner.postJson(path, "{\"name\":\"Same\",\"template_json\":\"" + STAGES + "\"}"), 409,
				"already exists");
		String other = this.owner.postJson(path, "{\"name\":\"Other\",\"template_json\":\"" + STAGES + "\"}")
			.json()
			.get("id")
			.asString();
		assertProblem(patch(this.owner, ws("/api/v1/workflow-templates/" + other), "{\"name\":\"Same\"}"), 409,
				"already exists");
		assertProblem(patch(this.owner, ws("/api/v1/workflow-templates/" + other), "{\"color\":\"blue\"}"), 400,
				"hex color");
		assertProblem(patch(this.owner, ws("/api/v1/workflow-templates/" + other), "{}"), 400, "No fields");
	}

	@Test
	void builtInTemplatesAreReadOnlyAndWritesTakeManager() {
		JsonNode builtin = this.owner.get(ws("/api/v1/workflow-templates")).json().get(0);
		String id = builtin.get("id").asString();
		assertThat(builtin.has("workspace_id")).isFalse();
		assertProblem(patch(this.owner, ws("/api/v1/workflow-templates/" + id), "{\"name\":\"Mine\"}"), 403,
				"read-only");
		assertProblem(this.owner.delete(ws("/api/v1/workflow-templates/" + id)), 403, "read-only");

		TestHttp member = newMember(WorkspaceRole.MEMBER).validating();
		assertThat(member.get(ws("/api/v1/workflow-templates")).status()).isEqualTo(200);
		assertProblem(member.postJson(ws("/api/v1/workflow-templates"),
				"{\"name\":\"Nope\",\"template_json\":\"" + STAGES + "\"}"), 403, "may not create");
		String mine = this.owner
			.postJson(ws("/api/v1/workflow-templates"), "{\"name\":\"Mine\",\"template_json\":\"" + STAGES + "\"}")
			.json()
			.get("id")
			.asString();
		// another workspace's template is not found there
		String other = crewship.platform.ids.Cuid.next();
		member(other, this.ownerId, WorkspaceRole.OWNER);
		assertThat(this.owner.get("/api/v1/workflow-templates/" + mine + "?workspace_id=" + other).status())
			.isEqualTo(404);
		assertThat(this.owner.delete("/api/v1/workflow-templates/" + mine + "?workspace_id=" + other).status())
			.isEqualTo(404);
	}

	/** Lets {@link SkillTests#slugs} read template names. */
	private JsonNode namesAsSlugs(JsonNode list) {
		var array = this.json.createArrayNode();
		list.forEach(template -> array.addObject().put("slug", template.get("name").asString()));
		return array;
	}

}
