package crewship.auth;

import org.junit.jupiter.api.BeforeEach;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/** A fresh workspace owned by a fresh user, and helpers to act as its members. */
abstract class WorkspaceTestSupport extends AuthTestSupport {

	User owner;

	TestHttp asOwner;

	String workspaceId;

	String slug;

	@BeforeEach
	void createWorkspace() {
		this.owner = newUser();
		this.asOwner = as(this.owner);
		this.slug = "ws-" + Cuid.next().substring(10);
		Response created = this.asOwner.postJson("/api/v1/workspaces",
				"{\"name\":\"Acme Robotics\",\"slug\":\"" + this.slug + "\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		this.workspaceId = created.json().get("id").asString();
	}

	TestHttp as(User user) {
		return this.http.withHeader(IdentityAssertion.HEADER,
				TestIdentities.session(user.getId(), "s-" + user.getId()));
	}

	String members() {
		return "/api/v1/workspaces/" + this.workspaceId + "/members";
	}

	String addMember(User user, String role) {
		Response added = this.asOwner.postJson(members(),
				"{\"user_id\":\"" + user.getId() + "\",\"role\":\"" + role + "\"}");
		assertThat(added.status()).as(added.body()).isEqualTo(201);
		return added.json().get("id").asString();
	}

}
