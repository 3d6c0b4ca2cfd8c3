package crewship.systemtests;

import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.systemtests.Client.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crews through the gateway: crew-service learns who belongs to a workspace from
 * auth-service's membership events, so a workspace made a moment ago can hold crews, and
 * a stranger cannot see them.
 */
class CrewSystemTests {

	static String gateway;

	@BeforeAll
	static void startSuite() {
		gateway = RunningSuite.get().gatewayUrl();
	}

	@Test
	void aNewWorkspaceOwnerCreatesACrewAndAStrangerGets404() {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		String slug = "crew-" + UUID.randomUUID().toString().substring(0, 8);
		Response created = Client.post(gateway + "/api/v1/crews?workspace_id=" + workspaceId,
				"{\"name\":\"Engineering\",\"slug\":\"" + slug + "\"}", "Cookie", owner.cookieHeader(), "Origin",
				gateway);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String crewId = created.json().get("id").asString();

		Response listed = Client.get(gateway + "/api/v1/crews?workspace_id=" + workspaceId, "Cookie",
				owner.cookieHeader());
		assertThat(listed.status()).as(listed.body()).isEqualTo(200);
		assertThat(listed.body()).contains(crewId);

		IdentitySystemTests.SignedIn stranger = IdentitySystemTests.signUpAndIn();
		assertThat(Client
			.get(gateway + "/api/v1/crews/" + crewId + "?workspace_id=" + workspaceId, "Cookie",
					stranger.cookieHeader())
			.status()).isEqualTo(404);
	}

}
