package crewship.auth;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/** An invitation by email is redeemed when that address signs up, at the invited role. */
@TestPropertySource(properties = "crewship.auth.allow-signup=true")
class InvitationTests extends AuthTestSupport {

	private TestHttp as(User user) {
		return this.http.withHeader(IdentityAssertion.HEADER,
				TestIdentities.session(user.getId(), "s-" + user.getId()));
	}

	private String workspaceOf(User owner) {
		return as(owner)
			.postJson("/api/v1/workspaces",
					"{\"name\":\"Inviting\",\"slug\":\"inv-" + Cuid.next().substring(12) + "\"}")
			.json()
			.get("id")
			.asString();
	}

	@Test
	void signupRedeemsTheInvitationAtTheInvitedRole() {
		User owner = newUser();
		String workspaceId = workspaceOf(owner);
		String email = "invitee-" + UUID.randomUUID() + "@example.com";
		String invitations = "/api/v1/workspaces/" + workspaceId + "/invitations";

		Response invited = as(owner).postJson(invitations, "{\"email\":\"" + email + "\",\"role\":\"MANAGER\"}");
		assertThat(invited.status()).as(invited.body()).isEqualTo(201);
		assertThat(invited.json().get("token").asString()).matches("[0-9a-f]{64}");
		assertThat(as(owner).postJson(invitations, "{\"email\":\"" + email + "\"}").status())
			.as("one pending invitation per address")
			.isEqualTo(409);
		Response pending = as(owner).get(invitations);
		assertThat(pending.json().get(0).get("email").asString()).isEqualTo(email);
		assertThat(pending.body()).as("the token is shown once").doesNotContain(invited.json().get("token").asString());

		Response signup = this.http.postJson("/api/v1/auth/signup",
				"{\"full_name\":\"New Hire\",\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
				IdentityAssertion.HEADER, TestIdentities.anonymous());
		assertThat(signup.status()).isEqualTo(202);

		User hire = this.users.findByEmail(email).orElseThrow();
		Response workspace = as(hire).get("/api/v1/workspaces/" + workspaceId);
		assertThat(workspace.json().get("currentUserRole").asString()).isEqualTo("MANAGER");
		assertThat(as(owner).get(invitations).json().size()).as("redeemed: no longer pending").isZero();
		assertThat(as(owner).postJson(invitations, "{\"email\":\"" + email + "\"}").status())
			.as("the address now belongs to a member")
			.isEqualTo(409);
	}

	@Test
	void onlyManagersInviteAndOnlyOwnersInviteAdmins() {
		User owner = newUser();
		User admin = newUser();
		String workspaceId = workspaceOf(owner);
		as(owner).postJson("/api/v1/workspaces/" + workspaceId + "/members",
				"{\"user_id\":\"" + admin.getId() + "\",\"role\":\"ADMIN\"}");
		String invitations = "/api/v1/workspaces/" + workspaceId + "/invitations";
		assertThat(as(admin).postJson(invitations, "{\"email\":\"a@example.com\",\"role\":\"ADMIN\"}").status())
			.isEqualTo(403);
		assertThat(as(admin).postJson(invitations, "{\"email\":\"a@example.com\",\"role\":\"OWNER\"}").status())
			.isEqualTo(400);
		assertThat(as(admin).postJson(invitations, "{\"email\":\"not-an-email\"}").status()).isEqualTo(400);
		assertThat(as(newUser()).get(invitations).status()).isEqualTo(404);
	}

	@Test
	void signupForAnExistingAddressRedeemsNothing() {
		User owner = newUser();
		User existing = newUser();
		String workspaceId = workspaceOf(owner);
		as(owner).postJson("/api/v1/workspaces/" + workspaceId + "/invitations",
				"{\"email\":\"" + existing.getEmail() + "\"}");
		Response signup = this.http.postJson(
				"/api/v1/auth/signup", "{\"full_name\":\"Someone\",\"email\":\"" + existing.getEmail()
						+ "\",\"password\":\"" + PASSWORD + "\"}",
				IdentityAssertion.HEADER, TestIdentities.anonymous());
		assertThat(signup.status()).isEqualTo(202);
		assertThat(as(existing).get("/api/v1/workspaces/" + workspaceId).status()).isEqualTo(404);
	}

}
