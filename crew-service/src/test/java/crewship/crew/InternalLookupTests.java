package crewship.crew;

import org.junit.jupiter.api.Test;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The internal lookups realtime-service asks on a channel miss: which workspace a crew or
 * an agent belongs to, for internal callers only.
 */
class InternalLookupTests extends CrewTestSupport {

	TestHttp internal() {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.internal());
	}

	@Test
	void aCrewsWorkspaceUntilItIsDeleted() {
		String slug = slug("lookup");
		String crewId = crew(slug);

		Response found = internal().get("/api/v1/internal/crews/" + crewId);
		assertThat(found.status()).as(found.body()).isEqualTo(200);
		assertThat(found.json().get("id").asString()).isEqualTo(crewId);
		assertThat(found.json().get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(found.json().size()).as("id and workspace_id only").isEqualTo(2);

		// a slug is unique only within a workspace: it names no crew here
		assertProblem(internal().get("/api/v1/internal/crews/" + slug), 404, "No such crew");
		assertProblem(internal().get("/api/v1/internal/crews/" + Cuid.next()), 404, "No such crew");
		// a member of the very workspace is no internal caller
		assertProblem(this.owner.get("/api/v1/internal/crews/" + crewId), 404, "No endpoint");

		assertThat(this.owner.delete(ws("/api/v1/crews/" + crewId)).status()).isEqualTo(200);
		assertProblem(internal().get("/api/v1/internal/crews/" + crewId), 404, "No such crew");
	}

	@Test
	void anAgentsWorkspaceUntilItIsDeleted() {
		Response created = this.owner.postJson(ws("/api/v1/agents"),
				"{\"name\":\"Lookup\",\"slug\":\"" + slug("lookup") + "\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String agentId = created.json().get("id").asString();

		Response found = internal().get("/api/v1/internal/agents/" + agentId);
		assertThat(found.status()).as(found.body()).isEqualTo(200);
		assertThat(found.json().get("id").asString()).isEqualTo(agentId);
		assertThat(found.json().get("workspace_id").asString()).isEqualTo(this.workspaceId);

		assertProblem(internal().get("/api/v1/internal/agents/" + Cuid.next()), 404, "No such agent");
		assertProblem(as(Cuid.next()).get("/api/v1/internal/agents/" + agentId), 404, "No endpoint");

		assertThat(this.owner.delete(ws("/api/v1/agents/" + agentId)).status()).isEqualTo(200);
		assertProblem(internal().get("/api/v1/internal/agents/" + agentId), 404, "No such agent");
	}

}
