package crewship.auth;

import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/** Member capabilities: role fallback, the four mutation shapes and their guards. */
class CapabilityTests extends WorkspaceTestSupport {

	String capabilities(User user) {
		return members() + "/" + user.getId() + "/capabilities";
	}

	Response patch(User caller, User target, String body) {
		return as(caller).send("PATCH", capabilities(target), "application/json", body);
	}

	static List<String> names(Response response) {
		return response.json().get("capabilities").valueStream().map(node -> node.asString()).toList();
	}

	@Test
	void unsetMembersFollowTheirRoleDefaultSortedAlphabetically() {
		User manager = newUser();
		User member = newUser();
		addMember(manager, "MANAGER");
		addMember(member, "MEMBER");
		assertThat(names(this.asOwner.get(capabilities(manager)))).containsExactly("chat", "issue.create",
				"memory.write", "routine.create");
		Response owner = this.asOwner.get(capabilities(this.owner));
		assertThat(owner.json().get("role").asString()).isEqualTo("OWNER");
		assertThat(names(owner)).as("the fallback predates routine.run").doesNotContain("routine.run").hasSize(7);
		assertThat(names(this.asOwner.get(capabilities(member)))).containsExactly("chat");

		Response roster = this.asOwner.get(members() + "/capabilities");
		assertThat(roster.json().get("members").valueStream().map(row -> row.get("user_id").asString()).toList())
			.containsExactly(this.owner.getId(), manager.getId(), member.getId());
	}

	@Test
	void theFourShapesWidenAndNarrowAndChatStays() {
		User member = newUser();
		addMember(member, "MEMBER");
		assertThat(names(patch(this.owner, member, "{\"grant\":[\"routine.create\",\"issue.create\"]}")))
			.containsExactly("chat", "issue.create", "routine.create");
		assertThat(names(patch(this.owner, member, "{\"revoke\":[\"issue.create\"]}"))).containsExactly("chat",
				"routine.create");
		assertThat(names(patch(this.owner, member, "{\"set\":[\"memory.write\"]}"))).as("chat is kept on set")
			.containsExactly("chat", "memory.write");
		assertThat(names(patch(this.owner, member, "{\"preset\":\"power\"}"))).containsExactly("chat", "issue.create",
				"memory.write", "routine.create", "routine.run");
		// the member sees it in their workspace view
		Response workspace = as(member).get("/api/v1/workspaces/" + this.workspaceId);
		assertThat(workspace.json().get("currentUserCapabilities").valueStream().map(n -> n.asString()).toList())
			.contains("routine.run");
	}

	@Test
	void badBodiesAre400AndChangeNothing() {
		User member = newUser();
		addMember(member, "MEMBER");
		for (String body : List.of("{}", "{\"grant\":[\"chat\"],\"preset\":\"power\"}", "{\"grant\":[]}",
				"{\"grant\":[\"fly\"]}", "{\"preset\":\"god\"}", "{\"revoke\":[\"chat\"]}", "{not json")) {
			Response response = patch(this.owner, member, body);
			assertThat(response.status()).as(body + " -> " + response.body()).isEqualTo(400);
			assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		}
		assertThat(names(this.asOwner.get(capabilities(member)))).containsExactly("chat");
		String huge = "{\"grant\":[" + "\"chat\",".repeat(3000) + "\"chat\"]}";
		assertThat(patch(this.owner, member, huge).status()).isEqualTo(413);
	}

	@Test
	void guardsSelfOwnerRoleAndMembership() {
		User admin = newUser();
		User member = newUser();
		User manager = newUser();
		addMember(admin, "ADMIN");
		addMember(member, "MEMBER");
		addMember(manager, "MANAGER");
		assertThat(patch(admin, admin, "{\"grant\":[\"skill.create\"]}").status()).as("own row").isEqualTo(403);
		assertThat(patch(admin, this.owner, "{\"revoke\":[\"skill.create\"]}").status()).as("owner row").isEqualTo(403);
		assertThat(patch(manager, member, "{\"grant\":[\"skill.create\"]}").status()).as("below ADMIN").isEqualTo(403);
		assertThat(as(manager).get(capabilities(member)).status()).isEqualTo(403);
		assertThat(as(manager).get(members() + "/capabilities").status()).isEqualTo(403);
		assertThat(patch(admin, member, "{\"grant\":[\"skill.create\"]}").status()).isEqualTo(200);
		User stranger = newUser();
		assertThat(this.asOwner.get(capabilities(stranger)).status()).isEqualTo(404);
		assertThat(as(stranger).get(capabilities(member)).status()).as("non-member: no oracle").isEqualTo(404);
	}

}
