package crewship.auth;

import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workspaces and members with the seed's RBAC: read any member, create MANAGER+, manage
 * ADMIN+.
 */
class WorkspaceTests extends WorkspaceTestSupport {

	@Test
	void workspaceShapeAndSlugRules() {
		Response workspace = this.asOwner.get("/api/v1/workspaces/" + this.workspaceId);
		assertThat(workspace.json().get("slug").asString()).isEqualTo(this.slug);
		assertThat(workspace.json().get("currentUserRole").asString()).isEqualTo("OWNER");
		assertThat(workspace.json().get("_count").get("members").asInt()).isEqualTo(1);
		assertThat(this.asOwner.postJson("/api/v1/workspaces", "{\"name\":\"Other\",\"slug\":\"" + this.slug + "\"}")
			.status()).isEqualTo(409);
		Response invalid = this.asOwner.postJson("/api/v1/workspaces", "{\"name\":\"X\",\"slug\":\"Not A Slug\"}");
		assertThat(invalid.status()).isEqualTo(400);
		assertThat(invalid.json().get("detail").asString()).contains("name").contains("slug");
	}

	@Test
	void nonMemberGets404AndViewerCannotCreateOrManage() {
		User stranger = newUser();
		assertThat(as(stranger).get("/api/v1/workspaces/" + this.workspaceId).status()).isEqualTo(404);
		assertThat(as(stranger).get(members()).status()).isEqualTo(404);

		User viewer = newUser();
		String viewerMember = addMember(viewer, "VIEWER");
		assertThat(as(viewer).get(members()).status()).isEqualTo(200);
		assertThat(as(viewer).postJson(members(), "{\"user_id\":\"" + stranger.getId() + "\"}").status())
			.isEqualTo(403);
		assertThat(as(viewer)
			.send("PATCH", "/api/v1/workspaces/" + this.workspaceId, "application/json", "{\"name\":\"Renamed\"}")
			.status()).isEqualTo(403);
		assertThat(as(viewer).send("PATCH", members() + "/" + viewerMember, "application/json", "{\"role\":\"MEMBER\"}")
			.status()).isEqualTo(403);
	}

	@Test
	void roleLadderAndTheLastOwner() {
		User admin = newUser();
		User manager = newUser();
		String adminMember = addMember(admin, "ADMIN");
		String managerMember = addMember(manager, "MANAGER");
		String ownerMember = this.asOwner.get(members())
			.json()
			.valueStream()
			.filter(m -> m.get("role").asString().equals("OWNER"))
			.findFirst()
			.orElseThrow()
			.get("id")
			.asString();

		// an ADMIN may grant below ADMIN, not ADMIN itself, and may not touch the OWNER
		assertThat(as(admin).send("PATCH", members() + "/" + managerMember, "application/json", "{\"role\":\"MEMBER\"}")
			.status()).isEqualTo(200);
		assertThat(as(admin).send("PATCH", members() + "/" + managerMember, "application/json", "{\"role\":\"ADMIN\"}")
			.status()).isEqualTo(403);
		assertThat(as(admin).send("PATCH", members() + "/" + ownerMember, "application/json", "{\"role\":\"VIEWER\"}")
			.status()).isEqualTo(403);

		// the last OWNER can be neither demoted nor removed
		assertThat(this.asOwner.send("PATCH", members() + "/" + ownerMember, "application/json", "{\"role\":\"ADMIN\"}")
			.status()).isEqualTo(409);
		assertThat(this.asOwner.delete(members() + "/" + ownerMember).status()).isEqualTo(409);

		assertThat(this.asOwner.delete(members() + "/" + adminMember).status()).isEqualTo(200);
		assertThat(as(admin).get("/api/v1/workspaces/" + this.workspaceId).status()).as("removed: gone for them")
			.isEqualTo(404);
	}

	@Test
	void addingMembersFollowsThePageRules() {
		User someone = newUser();
		assertThat(this.asOwner.postJson(members(), "{\"user_id\":\"" + someone.getId() + "\",\"role\":\"OWNER\"}")
			.status()).isEqualTo(400);
		assertThat(this.asOwner.postJson(members(), "{\"user_id\":\"no-such-user\"}").status()).isEqualTo(404);
		addMember(someone, "MEMBER");
		assertThat(this.asOwner.postJson(members(), "{\"user_id\":\"" + someone.getId() + "\"}").status())
			.isEqualTo(409);
		Response internal = this.http.get("/api/v1/internal/memberships/" + this.workspaceId + "/" + someone.getId(),
				IdentityAssertion.HEADER, TestIdentities.internal());
		assertThat(internal.json().get("role").asString()).isEqualTo("MEMBER");
		assertThat(internal.json().get("version").asLong()).isPositive();
	}

	@Test
	void deleteNeedsTheOwnerAndTheSlugAndNeverOrphansTheOwner() {
		String path = "/api/v1/workspaces/" + this.workspaceId;
		assertThat(this.asOwner.send("DELETE", path, "application/json", "{\"confirm_slug\":\"wrong\"}").status())
			.isEqualTo(400);
		assertThat(this.asOwner.send("DELETE", path, "application/json", "{\"confirm_slug\":\"" + this.slug + "\"}")
			.status()).as("the owner's only workspace").isEqualTo(409);
		this.asOwner.postJson("/api/v1/workspaces", "{\"name\":\"Second\",\"slug\":\"" + this.slug + "-2\"}");
		assertThat(this.asOwner.send("DELETE", path, "application/json", "{\"confirm_slug\":\"" + this.slug + "\"}")
			.status()).isEqualTo(200);
		assertThat(this.asOwner.get(path).status()).isEqualTo(404);
		assertThat(this.asOwner.postJson("/api/v1/workspaces", "{\"name\":\"Reuse\",\"slug\":\"" + this.slug + "\"}")
			.status()).as("a deleted workspace's slug is free again").isEqualTo(201);
	}

}
