package crewship.crew;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Crews through the HTTP API: lifecycle, the page's validation, RBAC and events. */
class CrewTests extends CrewTestSupport {

	@Test
	void crewLifecycleWithItsEvents() {
		String slug = slug("eng");
		Response created = this.owner.postJson(ws("/api/v1/crews"), """
				{"name":"Engineering","slug":"%s","description":"Core team","color":"blue","icon":"code",
				 "network_mode":"restricted","allowed_domains":["api.github.com","Registry.npmjs.org"]}
				""".formatted(slug));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		JsonNode crew = created.json();
		String id = crew.get("id").asString();
		assertThat(crew.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(crew.get("container_memory_mb").asInt()).isEqualTo(4096);
		assertThat(crew.get("container_cpus").asDouble()).isEqualTo(2.0);
		assertThat(crew.get("container_ttl_hours").isNull()).isTrue();
		assertThat(crew.get("max_ephemeral_agents").asInt()).isEqualTo(5);
		assertThat(crew.get("allowed_domains").toString()).isEqualTo("[\"api.github.com\",\"registry.npmjs.org\"]");
		assertThat(crew.get("network_mode_enforced").asBoolean()).isFalse();
		assertThat(crew.get("network_mode_unenforced_reason").asString()).contains("No container runtime");
		assertThat(crew.get("_count").get("agents").asInt()).isZero();
		assertThat(crew.has("warnings")).isFalse();

		Response list = this.owner.get(ws("/api/v1/crews"));
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.json()).hasSize(1);
		assertThat(list.json().get(0).get("slug").asString()).isEqualTo(slug);

		assertThat(this.owner.get(ws("/api/v1/crews/" + slug)).json().get("id").asString()).isEqualTo(id);
		Response updated = patch(this.owner, ws("/api/v1/crews/" + id),
				"{\"name\":\"Platform\",\"container_ttl_hours\":0,\"max_ephemeral_agents\":7,\"description\":\"\"}");
		assertThat(updated.status()).as(updated.body()).isEqualTo(200);
		assertThat(updated.json().get("name").asString()).isEqualTo("Platform");
		assertThat(updated.json().get("container_ttl_hours").asInt()).isZero();
		assertThat(updated.json().get("description").isNull()).isTrue();
		Response put = put(this.owner, ws("/api/v1/crews/" + id), "{\"icon\":\"rocket\"}");
		assertThat(put.json().get("icon").asString()).isEqualTo("rocket");
		assertThat(put.json().get("name").asString()).isEqualTo("Platform");

		Response deleted = this.owner.delete(ws("/api/v1/crews/" + id));
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(deleted.json().get("success").asBoolean()).isTrue();
		assertThat(this.owner.get(ws("/api/v1/crews/" + id)).status()).isEqualTo(404);
		assertThat(this.owner.get(ws("/api/v1/crews")).json()).isEmpty();

		List<JsonNode> events = events(id, 4);
		assertThat(types(events)).containsExactly("crew.created", "crew.updated", "crew.updated", "crew.deleted");
		JsonNode first = events.get(0);
		assertThat(first.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(first.get("actor").asString()).isEqualTo(this.ownerId);
		assertThat(first.get("data").get("slug").asString()).isEqualTo(slug);
		assertThat(first.get("data").get("name").asString()).isEqualTo("Engineering");
	}

	@Test
	void duplicateSlugConflictsAndADeletedCrewsSlugIsFree() {
		String slug = slug("dup");
		String first = crew(slug);
		Response again = this.owner.postJson(ws("/api/v1/crews"), "{\"name\":\"Again\",\"slug\":\"" + slug + "\"}");
		CrewTestSupport.assertProblem(again, 409, "already taken");
		String other = crew(slug("other"));
		CrewTestSupport.assertProblem(patch(this.owner, ws("/api/v1/crews/" + other), "{\"slug\":\"" + slug + "\"}"),
				409, "already taken");

		assertThat(this.owner.delete(ws("/api/v1/crews/" + first)).status()).isEqualTo(200);
		String reused = crew(slug);
		assertThat(reused).isNotEqualTo(first);
		assertThat(this.owner.get(ws("/api/v1/crews/" + slug)).json().get("id").asString()).isEqualTo(reused);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					name too short         | "name":"x"                                 | name
					name too long          | "name":"%s"                                | name
					slug uppercase         | "slug":"Bad-Slug"                          | slug
					slug too short         | "slug":"a"                                 | slug
					memory below hard floor| "container_memory_mb":5                    | container_memory_mb must be between 6 and 262144
					memory above ceiling   | "container_memory_mb":262145               | container_memory_mb must be between
					cpus below hard floor  | "container_cpus":0.001                     | container_cpus must be between 0.01 and 512
					cpus above ceiling     | "container_cpus":513                       | container_cpus must be between
					negative ttl           | "container_ttl_hours":-1                   | container_ttl_hours
					network mode           | "network_mode":"open"                      | network_mode
					bad domain             | "allowed_domains":["not a domain"]         | allowed_domains
					bad runtime image      | "runtime_image":"Not An Image!"            | runtime_image
					devcontainer syntax    | "devcontainer_config":"{oops"              | devcontainer_config is not valid JSON
					services syntax        | "services_json":"[1,"                      | services_json is not valid JSON
					services shape         | "services_json":"42"                       | services_json must be
					mcp without servers    | "mcp_config_json":"{}"                     | mcpServers
					escalation range       | "escalation_config":"{\\"auto_approve_threshold\\":2}" | between 0 and 1
					escalation order       | "escalation_config":"{\\"auto_approve_threshold\\":0.2,\\"require_approval_below\\":0.5}" | greater than
					ephemeral quota        | "max_ephemeral_agents":101                 | max_ephemeral_agents
					""")
	void invalidCrewIsRejected(String rule, String field, String detail) {
		String body = "{\"name\":\"Valid name\",\"slug\":\"" + slug("v") + "\"," + field.formatted("n".repeat(101))
				+ "}";
		// the field given last wins over the defaults in front of it
		Response response = this.owner.postJson(ws("/api/v1/crews"), body);
		CrewTestSupport.assertProblem(response, 400, detail);
		assertThat(this.owner.get(ws("/api/v1/crews")).json()).isEmpty();
	}

	@Test
	void issuePrefixIsUpperCasedClearedByEmptyAndTravelsWithCrewEvents() {
		String id = crew(slug("prefix"), "{\"issue_prefix\":\"eng\"}");
		assertThat(this.owner.get(ws("/api/v1/crews/" + id)).json().get("issue_prefix").asString()).isEqualTo("ENG");
		CrewTestSupport.assertProblem(patch(this.owner, ws("/api/v1/crews/" + id), "{\"issue_prefix\":\"1-A\"}"), 400,
				"issue_prefix");
		assertThat(patch(this.owner, ws("/api/v1/crews/" + id), "{\"issue_prefix\":\"ops2\"}").status()).isEqualTo(200);
		assertThat(patch(this.owner, ws("/api/v1/crews/" + id), "{\"issue_prefix\":\"\"}").json()
			.get("issue_prefix")
			.isNull()).isTrue();
		List<JsonNode> events = events(id, 3);
		assertThat(events.get(0).get("data").get("issue_prefix").asString()).isEqualTo("ENG");
		assertThat(events.get(1).get("data").get("issue_prefix").asString()).isEqualTo("OPS2");
		assertThat(events.get(2).get("data").get("issue_prefix").isNull()).isTrue();
	}

	@Test
	void oversizeConfigBlobsAreRejected() {
		String big = "x".repeat(10 * 1024 + 1);
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/crews"),
						"{\"name\":\"Big\",\"slug\":\"" + slug("b") + "\",\"mise_config\":\"" + big + "\"}"),
				400, "mise_config exceeds 10 KB");
		String devcontainer = "{\\\"a\\\":\\\"" + "x".repeat(100 * 1024) + "\\\"}";
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/crews"), "{\"name\":\"Big\",\"slug\":\"" + slug("b")
						+ "\",\"devcontainer_config\":\"" + devcontainer + "\"}"),
				400, "devcontainer_config exceeds 100 KB");
		String services = "[\\\"" + "x".repeat(64 * 1024) + "\\\"]";
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/crews"),
						"{\"name\":\"Big\",\"slug\":\"" + slug("b") + "\",\"services_json\":\"" + services + "\"}"),
				400, "services_json exceeds 64 KB");
	}

	@Test
	void resourcesBetweenTheFloorsAreCreatedWithWarningsAndZeroMeansDefault() {
		Response small = this.owner.postJson(ws("/api/v1/crews"), "{\"name\":\"Tiny\",\"slug\":\"" + slug("tiny")
				+ "\",\"container_memory_mb\":512,\"container_cpus\":0.25}");
		assertThat(small.status()).as(small.body()).isEqualTo(201);
		assertThat(small.json().get("container_memory_mb").asInt()).isEqualTo(512);
		assertThat(small.json().get("warnings")).hasSize(2);
		assertThat(small.json().get("warnings").get(0).asString()).contains("below 2048");
		String id = small.json().get("id").asString();
		assertThat(this.owner.get(ws("/api/v1/crews/" + id)).json().has("warnings")).isFalse();

		Response reset = patch(this.owner, ws("/api/v1/crews/" + id),
				"{\"container_memory_mb\":0,\"container_cpus\":0}");
		assertThat(reset.json().get("container_memory_mb").asInt()).isEqualTo(4096);
		assertThat(reset.json().get("container_cpus").asDouble()).isEqualTo(2.0);
		assertThat(reset.json().has("warnings")).isFalse();
	}

	@Test
	void rolesGateCrewEndpoints() {
		String id = crew(slug("rbac"));
		TestHttp viewer = newMember(WorkspaceRole.VIEWER);
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		assertThat(viewer.get(ws("/api/v1/crews/" + id)).status()).isEqualTo(200);
		CrewTestSupport.assertProblem(viewer.postJson(ws("/api/v1/crews"), "{\"name\":\"No\",\"slug\":\"nope\"}"), 403,
				"VIEWER");
		Response managerCreated = manager.postJson(ws("/api/v1/crews"),
				"{\"name\":\"Mine\",\"slug\":\"" + slug("mgr") + "\"}");
		assertThat(managerCreated.status()).isEqualTo(201);
		CrewTestSupport.assertProblem(patch(manager, ws("/api/v1/crews/" + id), "{\"name\":\"Renamed\"}"), 403,
				"MANAGER");
		CrewTestSupport.assertProblem(manager.delete(ws("/api/v1/crews/" + id)), 403, "MANAGER");
	}

	@Test
	void anotherWorkspacesCrewAndUnknownWorkspacesAre404() {
		String id = crew(slug("mine"));
		String otherWorkspace = Cuid.next();
		String stranger = Cuid.next();
		member(otherWorkspace, stranger, WorkspaceRole.OWNER);
		TestHttp other = as(stranger);
		// a member elsewhere asking in its own workspace: the crew is not there
		CrewTestSupport.assertProblem(other.get("/api/v1/crews/" + id + "?workspace_id=" + otherWorkspace), 404,
				"Crew not found");
		CrewTestSupport.assertProblem(
				patch(other, "/api/v1/crews/" + id + "?workspace_id=" + otherWorkspace, "{\"name\":\"Hijack\"}"), 404,
				"Crew not found");
		// asking in a workspace it does not belong to, or one that does not exist
		CrewTestSupport.assertProblem(other.get(ws("/api/v1/crews/" + id)), 404, "Workspace not found");
		CrewTestSupport.assertProblem(this.owner.get("/api/v1/crews?workspace_id=" + Cuid.next()), 404,
				"Workspace not found");
		CrewTestSupport.assertProblem(this.owner.get("/api/v1/crews"), 400, "workspace");
		assertThat(this.owner.get("/api/v1/crews").status()).isEqualTo(400);
		assertThat(this.owner.get("/api/v1/crews?limit=101&workspace_id=" + this.workspaceId).status()).isEqualTo(400);
		// the header works as well as the query parameter
		assertThat(this.owner.get("/api/v1/crews/" + id, "X-Workspace-ID", this.workspaceId).status()).isEqualTo(200);
	}

	@Test
	void membersPersonaAndPolicy() {
		String id = crew(slug("team"));
		String user = Cuid.next();
		member(this.workspaceId, user, WorkspaceRole.MEMBER);
		Response added = this.owner.postJson(ws("/api/v1/crews/" + id + "/members"),
				"{\"user_id\":\"" + user + "\",\"role\":\"MANAGER\"}");
		assertThat(added.status()).as(added.body()).isEqualTo(201);
		assertThat(added.json().has("role")).as("the override is not echoed on add").isFalse();
		assertThat(added.json().get("user").get("id").asString()).isEqualTo(user);
		String memberId = added.json().get("id").asString();
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/crews/" + id + "/members"), "{\"user_id\":\"" + user + "\"}"), 409,
				"already a member");
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/crews/" + id + "/members"), "{\"user_id\":\"" + Cuid.next() + "\"}"),
				400, "not a member of this workspace");
		CrewTestSupport.assertProblem(this.owner.postJson(ws("/api/v1/crews/" + id + "/members"),
				"{\"user_id\":\"" + user + "\",\"role\":\"KING\"}"), 400, "role must be one of");
		assertThat(this.owner.get(ws("/api/v1/crews/" + id + "/members")).json().get(0).get("role").asString())
			.isEqualTo("MANAGER");
		Response role = patch(this.owner, ws("/api/v1/crews/" + id + "/members/" + memberId), "{\"role\":\"\"}");
		assertThat(role.json().get("status").asString()).isEqualTo("updated");
		assertThat(role.json().get("role").asString()).isEmpty();
		assertThat(this.owner.get(ws("/api/v1/crews/" + id + "/members")).json().get(0).get("role").asString())
			.as("inherits the workspace role: a string, not null")
			.isEmpty();
		assertThat(this.owner.get(ws("/api/v1/crews/" + id)).json().get("_count").get("members").asInt()).isEqualTo(1);
		assertThat(this.owner.delete(ws("/api/v1/crews/" + id + "/members/" + memberId)).status()).isEqualTo(200);
		assertThat(this.owner.delete(ws("/api/v1/crews/" + id + "/members/" + memberId)).status()).isEqualTo(404);

		assertThat(this.owner.get(ws("/api/v1/crews/" + id + "/persona")).json().get("content").asString()).isEmpty();
		Response persona = put(this.owner, ws("/api/v1/crews/" + id + "/persona"), "{\"content\":\"# Crew\\n\"}");
		assertThat(persona.status()).isEqualTo(200);
		assertThat(persona.json().get("bytes").asInt()).isEqualTo(7);
		assertThat(this.owner.get(ws("/api/v1/crews/" + id + "/persona")).json().get("content").asString())
			.isEqualTo("# Crew\n");
		CrewTestSupport.assertProblem(
				put(this.owner, ws("/api/v1/crews/" + id + "/persona"), "{\"content\":\"" + "x".repeat(1501) + "\"}"),
				413, "1500");
		assertThat(this.owner.delete(ws("/api/v1/crews/" + id + "/persona")).status()).isEqualTo(204);
		assertThat(this.owner.get(ws("/api/v1/crews/" + id + "/persona")).json().get("content").asString()).isEmpty();

		JsonNode policy = this.owner.get(ws("/api/v1/crews/" + id + "/policy")).json();
		assertThat(policy.get("autonomy_level").asString()).isEqualTo("guided");
		assertThat(policy.get("behavior_mode").asString()).isEqualTo("warn");
		assertThat(policy.has("set_by_user_id")).isFalse();
		CrewTestSupport.assertProblem(put(this.owner, ws("/api/v1/crews/" + id + "/policy"),
				"{\"autonomy_level\":\"wild\",\"behavior_mode\":\"warn\"}"), 400, "autonomy_level");
		CrewTestSupport.assertProblem(
				put(this.owner, ws("/api/v1/crews/" + id + "/policy"), "{\"autonomy_level\":\"trusted\"}"), 400,
				"behavior_mode");
		CrewTestSupport.assertProblem(
				put(this.owner, ws("/api/v1/crews/" + id + "/policy"),
						"{\"autonomy_level\":\"full\",\"behavior_mode\":\"block\",\"reason\":\"x\"}"),
				400, "forbidden");
		CrewTestSupport.assertProblem(put(this.owner, ws("/api/v1/crews/" + id + "/policy"),
				"{\"autonomy_level\":\"full\",\"behavior_mode\":\"warn\",\"reason\":\"  \"}"), 400, "reason");
		CrewTestSupport.assertProblem(put(newMember(WorkspaceRole.MEMBER), ws("/api/v1/crews/" + id + "/policy"),
				"{\"autonomy_level\":\"trusted\",\"behavior_mode\":\"warn\"}"), 403, "MEMBER");
		Response set = put(this.owner, ws("/api/v1/crews/" + id + "/policy"),
				"{\"autonomy_level\":\"full\",\"behavior_mode\":\"warn\",\"reason\":\"Cleared 30 days\"}");
		assertThat(set.status()).as(set.body()).isEqualTo(200);
		assertThat(set.json().get("set_by_user_id").asString()).isEqualTo(this.ownerId);
		assertThat(set.json().get("reason").asString()).isEqualTo("Cleared 30 days");
		assertThat(this.owner.get(ws("/api/v1/policies")).json().get(0).get("autonomy_level").asString())
			.isEqualTo("full");
	}

	@Test
	void runtimeEndpointsSayNoRuntimeIsConfigured() {
		String id = crew(slug("rt"));
		for (Response response : List.of(this.owner.postJson(ws("/api/v1/crews/" + id + "/container-start"), ""),
				this.owner.postJson(ws("/api/v1/crews/" + id + "/container-stop"), ""),
				this.owner.get(ws("/api/v1/crews/" + id + "/container-status")))) {
			CrewTestSupport.assertProblem(response, 501, "No container runtime");
			assertThat(response.json().get("type").asString()).endsWith("/no-crew-runtime");
		}
		assertThat(this.owner.postJson(ws("/api/v1/crews/" + Cuid.next() + "/container-start"), "").status())
			.isEqualTo(404);
	}

}
