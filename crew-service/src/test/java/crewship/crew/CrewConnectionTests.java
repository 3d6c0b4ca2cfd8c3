package crewship.crew;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crew connections: the upsert on the pair, its rules, roles, and no link across
 * workspaces.
 */
class CrewConnectionTests extends CrewTestSupport {

	TestHttp owner;

	@BeforeEach
	void validating() {
		this.owner = super.owner.validating();
	}

	Response connect(TestHttp as, String from, String to, String direction) {
		return as.postJson(ws("/api/v1/crew-connections"), "{\"from_crew_id\":\"" + from + "\",\"to_crew_id\":\"" + to
				+ "\"" + ((direction != null) ? ",\"direction\":\"" + direction + "\"" : "") + "}");
	}

	@Test
	void aPairIsOneLinkWhicheverEndIsNamedFirst() {
		String engineering = crew(slug("eng"));
		String design = crew(slug("design"));
		Response created = connect(this.owner, engineering, design, "unidirectional");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.json().get("id").asString();

		Response same = connect(this.owner, engineering, design, "unidirectional");
		assertThat(same.status()).isEqualTo(200);
		assertThat(same.json().get("id").asString()).isEqualTo(id);
		JsonNode link = this.owner.get(ws("/api/v1/crew-connections")).json().get(0);
		assertThat(link.get("direction").asString()).isEqualTo("unidirectional");
		assertThat(link.get("from_crew_id").asString()).isEqualTo(engineering);
		assertThat(link.get("to_crew_name").asString()).startsWith("Crew design");
		assertThat(link.get("status").asString()).isEqualTo("active");

		// the way back as well: the link becomes bidirectional
		Response reverse = connect(this.owner, design, engineering, "unidirectional");
		assertThat(reverse.status()).isEqualTo(200);
		assertThat(reverse.json().get("id").asString()).isEqualTo(id);
		assertThat(this.owner.get(ws("/api/v1/crew-connections")).json()).hasSize(1);
		assertThat(this.owner.get(ws("/api/v1/crew-connections")).json().get(0).get("direction").asString())
			.isEqualTo("bidirectional");

		assertThat(types(events(id, 3))).containsExactly("crew_connection.created", "crew_connection.updated",
				"crew_connection.updated");
		assertThat(this.owner.delete(ws("/api/v1/crew-connections/" + id)).status()).isEqualTo(204);
		assertThat(this.owner.delete(ws("/api/v1/crew-connections/" + id)).status()).isEqualTo(404);
		assertThat(this.owner.get(ws("/api/v1/crew-connections")).json()).isEmpty();
	}

	@Test
	void theRulesAndRoles() {
		String a = crew(slug("a"));
		String b = crew(slug("b"));
		assertProblem(connect(this.owner, a, a, null), 400, "itself");
		assertProblem(connect(this.owner, a, b, "sideways"), 400, "direction");
		assertProblem(this.owner.postJson(ws("/api/v1/crew-connections"), "{\"from_crew_id\":\"" + a + "\"}"), 400,
				"required");
		assertProblem(connect(this.owner, a, "no-such-crew", null), 404, "Crew not found");
		assertProblem(connect(newMember(WorkspaceRole.MEMBER), a, b, null), 403, "may not create");
		assertThat(newMember(WorkspaceRole.VIEWER).get(ws("/api/v1/crew-connections")).status()).isEqualTo(200);

		// a crew's deletion removes its links
		String id = connect(this.owner, a, b, null).json().get("id").asString();
		assertThat(this.owner.delete(ws("/api/v1/crews/" + b)).status()).isEqualTo(200);
		assertThat(this.owner.get(ws("/api/v1/crew-connections")).json()).isEmpty();
		assertThat(this.owner.delete(ws("/api/v1/crew-connections/" + id)).status()).isEqualTo(404);
	}

	@Test
	void crewsOfTwoWorkspacesCannotBeLinked() {
		String mine = crew(slug("mine"));
		String otherWorkspace = Cuid.next();
		member(otherWorkspace, this.ownerId, WorkspaceRole.OWNER);
		Response theirs = this.owner.postJson("/api/v1/crews?workspace_id=" + otherWorkspace,
				"{\"name\":\"Theirs\",\"slug\":\"" + slug("theirs") + "\"}");
		String foreign = theirs.json().get("id").asString();
		// the caller owns both workspaces, and still: each crew is looked up in the
		// workspace of the request, where the other one does not exist
		assertProblem(connect(this.owner, mine, foreign, null), 404, "Crew not found");
		assertProblem(
				this.owner.postJson("/api/v1/crew-connections?workspace_id=" + otherWorkspace,
						"{\"from_crew_id\":\"" + foreign + "\",\"to_crew_id\":\"" + mine + "\"}"),
				404, "Crew not found");
		assertThat(this.owner.get(ws("/api/v1/crew-connections")).json()).isEmpty();
		// nor is one workspace's link visible or deletable from the other
		String second = crew(slug("second"));
		String id = connect(this.owner, mine, second, null).json().get("id").asString();
		assertThat(this.owner.get("/api/v1/crew-connections?workspace_id=" + otherWorkspace).json()).isEmpty();
		assertThat(this.owner.delete("/api/v1/crew-connections/" + id + "?workspace_id=" + otherWorkspace).status())
			.isEqualTo(404);
	}

}
