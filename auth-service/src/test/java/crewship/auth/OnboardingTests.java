package crewship.auth;

import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/** The onboarding wizard of the current workspace. */
class OnboardingTests extends WorkspaceTestSupport {

	TestHttp in(User user) {
		return as(user).withHeader("X-Workspace-ID", this.workspaceId);
	}

	@Test
	void completeIsIdempotentAndManagersCannot() {
		User manager = newUser();
		addMember(manager, "MANAGER");
		assertThat(in(manager).get("/api/v1/onboarding/status").json().get("completed").asBoolean()).isFalse();
		assertThat(in(manager).postJson("/api/v1/onboarding/complete", "{}").status()).isEqualTo(403);
		assertThat(in(this.owner).postJson("/api/v1/onboarding/complete", "{}").status()).isEqualTo(200);
		Response status = in(manager).get("/api/v1/onboarding/status");
		assertThat(status.json().get("completed").asBoolean()).isTrue();
		String completedAt = status.json().get("completed_at").asString();
		assertThat(in(this.owner).postJson("/api/v1/onboarding/complete", "{}").status()).isEqualTo(200);
		assertThat(in(manager).get("/api/v1/onboarding/status").json().get("completed_at").asString())
			.isEqualTo(completedAt);
	}

	@Test
	void setupRenamesTheWorkspaceAndRefusesStepsOfOtherServicesWhole() {
		Response refused = in(this.owner).postJson("/api/v1/onboarding/setup",
				"{\"workspace_name\":\"Should Not Stick\",\"crew_name\":\"Core\",\"credential_value\":\"sk-secret\"}");
		assertThat(refused.status()).isEqualTo(501);
		assertThat(refused.body()).contains("crew").contains("credential").doesNotContain("sk-secret");
		assertThat(this.asOwner.get("/api/v1/workspaces/" + this.workspaceId).json().get("name").asString())
			.isEqualTo("Acme Robotics");

		Response done = in(this.owner).postJson("/api/v1/onboarding/setup",
				"{\"workspace_name\":\"Acme Labs\",\"preferred_language\":\"de\",\"telemetry_opt_in\":false}");
		assertThat(done.status()).as(done.body()).isEqualTo(200);
		assertThat(done.json().get("workspace_id").asString()).isEqualTo(this.workspaceId);
		Response workspace = this.asOwner.get("/api/v1/workspaces/" + this.workspaceId);
		assertThat(workspace.json().get("name").asString()).isEqualTo("Acme Labs");
		assertThat(workspace.json().get("preferred_language").asString()).isEqualTo("de");
		assertThat(in(this.owner).get("/api/v1/instance/settings/telemetry.opt_in").json().get("value").asString())
			.isEqualTo("false");
		assertThat(in(this.owner).postJson("/api/v1/onboarding/setup", "{\"workspace_name\":\"x\"}").status())
			.isEqualTo(400);
	}

}
