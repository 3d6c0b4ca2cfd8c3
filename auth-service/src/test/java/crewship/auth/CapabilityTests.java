package crewship.auth;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.Membership;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Member capabilities: role fallback, the four mutation shapes and their guards, the
 * OWNER-only reveal grant, and the membership record that carries them to other services.
 */
class CapabilityTests extends WorkspaceTestSupport {

	static final JsonMapper JSON = JsonMapper.builder().build();

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

	@Test
	void revealIsGrantedPerPersonAndOnlyByAnOwner() {
		User admin = newUser();
		User member = newUser();
		addMember(admin, "ADMIN");
		addMember(member, "MEMBER");
		assertThat(names(this.asOwner.get(capabilities(this.owner)))).as("an untouched OWNER does not hold it")
			.doesNotContain("credentials:reveal");
		assertThat(names(patch(this.owner, member, "{\"preset\":\"admin\"}"))).as("no preset carries it")
			.hasSize(8)
			.doesNotContain("credentials:reveal");

		Response byAdmin = patch(admin, member, "{\"grant\":[\"credentials:reveal\"]}");
		assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(403);
		assertThat(byAdmin.body()).contains("Only an OWNER");
		assertThat(names(patch(this.owner, admin, "{\"grant\":[\"credentials:reveal\"]}")))
			.as("sorted among the others")
			.containsExactly("chat", "credential.create", "credential.rotate", "credentials:reveal", "issue.create",
					"memory.write", "routine.create", "skill.create");
		assertThat(names(patch(this.owner, member, "{\"set\":[\"credentials:reveal\"]}"))).containsExactly("chat",
				"credentials:reveal");

		// an ADMIN still manages the eight of a holder, but can neither drop nor restate
		// reveal
		assertThat(names(patch(admin, member, "{\"preset\":\"power\"}"))).as("a preset keeps the grant")
			.contains("credentials:reveal", "routine.run");
		assertThat(patch(admin, member, "{\"set\":[\"chat\"]}").status()).as("would drop it").isEqualTo(403);
		assertThat(patch(admin, member, "{\"revoke\":[\"credentials:reveal\"]}").status()).isEqualTo(403);
		assertThat(names(this.asOwner.get(capabilities(member)))).contains("credentials:reveal");

		assertThat(names(patch(this.owner, member, "{\"revoke\":[\"credentials:reveal\"]}")))
			.doesNotContain("credentials:reveal");
		assertThat(patch(this.owner, this.owner, "{\"grant\":[\"credentials:reveal\"]}").status())
			.as("no self-grant, not even for the OWNER")
			.isEqualTo(403);
		assertThat(patch(this.owner, member, "{\"grant\":[\"credentials:read\"]}").status()).isEqualTo(400);
	}

	@Test
	void everyChangeOfCapabilitiesOrRoleRepublishesTheMembership() {
		User member = newUser();
		String memberRow = addMember(member, "MEMBER");
		Membership added = internalLookup(member);
		assertThat(added.capabilities()).containsExactly("chat");

		patch(this.owner, member, "{\"grant\":[\"credential.rotate\",\"credentials:reveal\"]}");
		Membership granted = internalLookup(member);
		assertThat(granted.version()).isGreaterThan(added.version());
		assertThat(granted.capabilities()).containsExactly("chat", "credential.rotate", "credentials:reveal");
		assertThat(awaitRecord(member, granted.version()).capabilities())
			.as("the record on crewship.memberships.v1 carries them")
			.containsExactly("chat", "credential.rotate", "credentials:reveal");

		User manager = newUser();
		String managerRow = addMember(manager, "MEMBER");
		Response promoted = this.asOwner.send("PATCH", members() + "/" + managerRow, "application/json",
				"{\"role\":\"MANAGER\"}");
		assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
		Membership afterRole = internalLookup(manager);
		assertThat(afterRole.capabilities()).as("the role fallback follows the role")
			.containsExactly("chat", "issue.create", "memory.write", "routine.create");
		assertThat(awaitRecord(manager, afterRole.version()).role()).isEqualTo(WorkspaceRole.MANAGER);

		assertThat(this.asOwner.delete(members() + "/" + memberRow).status()).isEqualTo(200);
		Membership removed = awaitRecord(member, granted.version() + 1);
		assertThat(removed.role()).isNull();
		assertThat(removed.hasCapability("credential.rotate")).as("a removed member holds nothing").isFalse();
	}

	Membership internalLookup(User user) {
		Response internal = this.http.get("/api/v1/internal/memberships/" + this.workspaceId + "/" + user.getId(),
				IdentityAssertion.HEADER, TestIdentities.internal());
		assertThat(internal.status()).as(internal.body()).isEqualTo(200);
		return new Membership(this.workspaceId, user.getId(),
				WorkspaceRole.valueOf(internal.json().get("role").asString()), internal.json().get("version").asLong(),
				internal.json().get("capabilities").valueStream().map(node -> node.asString()).toList());
	}

	/** The newest record for the member that reached {@code crewship.memberships.v1}. */
	Membership awaitRecord(User user, long version) {
		String key = Membership.key(this.workspaceId, user.getId());
		Predicate<ConsumerRecord<String, String>> reached = record -> key.equals(record.key()) && record.value() != null
				&& published(record).version() >= version;
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(Topics.MEMBERSHIPS,
				read -> read.stream().anyMatch(reached), Duration.ofSeconds(20));
		return records.stream()
			.filter(reached)
			.map(CapabilityTests::published)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no record of version " + version + " for " + key));
	}

	static Membership published(ConsumerRecord<String, String> record) {
		EventEnvelope event = JSON.readValue(record.value(), EventEnvelope.class);
		assertThat(event.type()).isEqualTo(Membership.CHANGED);
		return JSON.treeToValue(event.data(), Membership.class);
	}

}
