package crewship.crew;

import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/** The slash-command palette, filtered by the caller's replicated capabilities. */
class SlashCommandTests extends CrewTestSupport {

	TestHttp memberWith(WorkspaceRole role, List<String> capabilities) {
		String user = Cuid.next();
		member(this.workspaceId, user, role, capabilities);
		return as(user).validating();
	}

	@Test
	void aMemberSeesOnlyWhatTheirCapabilitiesAllow() {
		Response all = memberWith(WorkspaceRole.ADMIN, List.of("chat", "routine.create", "skill.create",
				"credential.create", "credential.rotate", "issue.create", "memory.write"))
			.get(ws("/api/v1/slash-commands"));
		assertThat(all.status()).isEqualTo(200);
		assertThat(SkillTests.slugs(ids(all))).containsExactly("routine", "issue", "skill", "credential");
		assertThat(all.json().get(0).get("label_cs").asString()).isNotBlank();
		assertThat(all.json().get(0).get("form_schema").get(2).get("default").asString()).isEqualTo("UTC");
		assertThat(all.json().get(0).get("capability").asString()).isEqualTo("routine.create");

		Response issueOnly = memberWith(WorkspaceRole.VIEWER, List.of("chat", "issue.create"))
			.get(ws("/api/v1/slash-commands"));
		assertThat(SkillTests.slugs(ids(issueOnly))).containsExactly("issue");

		// no relevant grant: an empty palette, not a 403
		Response none = memberWith(WorkspaceRole.MEMBER, List.of("chat")).get(ws("/api/v1/slash-commands"));
		assertThat(none.status()).isEqualTo(200);
		assertThat(none.json()).isEmpty();

		assertThat(as(Cuid.next()).get(ws("/api/v1/slash-commands")).status()).isEqualTo(404);
		assertProblem(this.owner.get("/api/v1/slash-commands"), 400, "workspace");
	}

	private tools.jackson.databind.JsonNode ids(Response response) {
		var array = this.json.createArrayNode();
		response.json().forEach(entry -> array.addObject().put("slug", entry.get("id").asString()));
		return array;
	}

}
