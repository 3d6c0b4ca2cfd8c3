package crewship.mission.chats;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat operations of the Agents page over HTTP, each answer checked against the
 * reference schema.
 */
class ChatTests extends ChatTestSupport {

	@Test
	void aChatIsCreatedListedRenamedReadAndDeleted() {
		Response created = this.owner.postJson(ws(chats()), "{\"origin\":\"CLI\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String chatId = created.json().get("id").asString();

		JsonNode list = this.owner.get(ws(chats())).json();
		assertThat(list).singleElement().satisfies(chat -> {
			assertThat(chat.get("id").asString()).isEqualTo(chatId);
			assertThat(chat.get("agent_id").asString()).isEqualTo(this.agentId);
			assertThat(chat.get("workspace_id").asString()).isEqualTo(this.workspaceId);
			assertThat(chat.get("origin").asString()).isEqualTo("CLI");
			assertThat(chat.get("status").asString()).isEqualTo("ACTIVE");
			assertThat(chat.get("message_count").asInt()).isZero();
			assertThat(chat.get("unread_count").asInt()).isZero();
			assertThat(chat.has("title")).as("untitled").isFalse();
		});

		Response renamed = this.owner.send("PATCH", chats() + "/" + chatId + "?workspace_id=" + this.workspaceId,
				"application/json", "{\"title\":\"  Refactor\\n\\tthe   queue\\u200B worker <b> \"}");
		assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
		assertThat(renamed.json().get("title").asString()).isEqualTo("Refactor the queue worker <b>");
		assertThat(renamed.json().get("unread_count").asInt()).isZero();
		assertThat(renamed.json().get("last_activity_at").asString()).as("renaming does not reorder the list")
			.isEqualTo(list.get(0).get("last_activity_at").asString());
		assertThat(this.owner.get(ws(chats())).json().get(0).get("title").asString())
			.isEqualTo("Refactor the queue worker <b>");

		Response read = this.owner.send("PUT", ws(chats() + "/" + chatId + "/read"), "application/json", "{}");
		assertThat(read.status()).as(read.toString()).isEqualTo(200);
		assertThat(read.json().get("chat_id").asString()).isEqualTo(chatId);
		assertThat(read.json().get("last_read_at").asString()).isNotBlank();

		assertThat(this.owner.delete(ws(chats() + "/" + chatId)).status()).isEqualTo(204);
		assertThat(this.owner.get(ws(chats())).json()).isEmpty();

		// each change is an outbox event on the chat (realtime fans chat.* out to its
		// session)
		var events = frames(chatId, found -> hasType(found, "chat.deleted"));
		assertThat(events).extracting(crewship.platform.events.EventEnvelope::type)
			.containsSubsequence("chat.created", "chat.updated", "chat.read", "chat.deleted");
		assertThat(events).allSatisfy(event -> {
			assertThat(event.subject()).isEqualTo(chatId);
			assertThat(event.workspaceId()).isEqualTo(this.workspaceId);
			assertThat(event.actor()).isEqualTo(this.ownerId);
			assertThat(event.data().get("agent_id").asString()).isEqualTo(this.agentId);
		});
		assertThat(events.get(0).data().get("id").asString()).isEqualTo(chatId);
		assertThat(events.get(0).data().get("origin").asString()).isEqualTo("CLI");
		assertThat(events.get(0).data().get("created_by").asString()).isEqualTo(this.ownerId);
		assertThat(this.owner.get("/api/v1/chats/" + chatId + "/messages").status()).isEqualTo(404);
		assertThat(this.owner.delete(ws(chats() + "/" + chatId)).status()).isEqualTo(404);
	}

	@Test
	void aTitleIsRefusedRatherThanTruncatedAndNeedsAString() {
		String chatId = newChat();
		String path = chats() + "/" + chatId + "?workspace_id=" + this.workspaceId;
		assertThat(
				this.owner.send("PATCH", path, "application/json", "{\"title\":\"" + "é".repeat(200) + "\"}").status())
			.as("200 characters, not bytes")
			.isEqualTo(200);
		assertThat(
				this.owner.send("PATCH", path, "application/json", "{\"title\":\"" + "é".repeat(201) + "\"}").status())
			.isEqualTo(400);
		assertThat(this.owner.send("PATCH", path, "application/json", "{\"title\":\" \\u200B\\n \"}").status())
			.isEqualTo(400);
		assertThat(this.owner.send("PATCH", path, "application/json", "{\"title\":null}").status()).isEqualTo(400);
		assertThat(this.owner.send("PATCH", path, "application/json", "{\"title\":42}").status()).isEqualTo(400);
		assertThat(this.owner.send("PATCH", path, "application/json", "{}").status()).isEqualTo(400);
		// an emoji sequence keeps its joiner
		Response family = this.owner.send("PATCH", path, "application/json",
				"{\"title\":\"Team \\uD83D\\uDC68\\u200D\\uD83D\\uDC69\"}");
		assertThat(family.json().get("title").asString()).isEqualTo("Team \uD83D\uDC68\u200D\uD83D\uDC69");
	}

	@Test
	void chatsAreNestedUnderTheirAgentAndWorkspace() {
		String chatId = newChat();
		String otherAgent = otherAgent();
		// mis-nested under another agent, or asked for from another workspace: 404
		assertThat(this.owner
			.send("PUT", ws("/api/v1/agents/" + otherAgent + "/chats/" + chatId + "/read"), "application/json", "{}")
			.status()).isEqualTo(404);
		String stranger = java.util.UUID.randomUUID().toString();
		String otherWorkspace = java.util.UUID.randomUUID().toString();
		member(otherWorkspace, stranger, WorkspaceRole.OWNER);
		// known to this service as no member of the chat's workspace (a former one)
		this.replica.apply(new crewship.platform.membership.Membership(this.workspaceId, stranger, null, 1));
		TestHttp outsider = as(stranger);
		assertThat(outsider.get("/api/v1/chats/" + chatId + "/messages").status()).isEqualTo(404);
		assertThat(outsider.get(chats() + "/" + chatId + "/attachments?workspace_id=" + otherWorkspace).status())
			.isEqualTo(404);
		assertThat(outsider.get(chats() + "?workspace_id=" + this.workspaceId).status()).isEqualTo(404);
		// an unknown agent has no chats to start
		assertThat(this.owner.postJson(ws("/api/v1/agents/nope/chats"), "{}").status()).isEqualTo(404);
		// no workspace context
		assertThat(this.owner.get(chats()).status()).isEqualTo(400);
		// a viewer reads but does not start chats; a member may
		assertThat(newMember(WorkspaceRole.VIEWER).postJson(ws(chats()), "{}").status()).isEqualTo(403);
		assertThat(newMember(WorkspaceRole.MEMBER).postJson(ws(chats()), "").status()).isEqualTo(201);
	}

	@Test
	void onlyTheCreatorOrAnAgentEditorRenamesOrDeletes() {
		String chatId = newChat();
		TestHttp member = newMember(WorkspaceRole.MEMBER);
		assertThat(member
			.send("PATCH", chats() + "/" + chatId + "?workspace_id=" + this.workspaceId, "application/json",
					"{\"title\":\"Mine now\"}")
			.status()).isEqualTo(403);
		assertThat(member.delete(ws(chats() + "/" + chatId)).status()).isEqualTo(403);
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		assertThat(manager.delete(ws(chats() + "/" + chatId)).status()).isEqualTo(204);
	}

	@Test
	void aSessionIdNamesTheChatOnceAndConflictsElsewhere() {
		String session = "sess_" + UUID.randomUUID().toString().replace("-", "");
		Response first = this.owner.postJson(ws(chats()), "{\"session_id\":\"" + session + "\",\"origin\":\"BOGUS\"}");
		assertThat(first.status()).isEqualTo(201);
		assertThat(first.json().get("id").asString()).isEqualTo(session);
		assertThat(this.owner.get(ws(chats())).json().get(0).has("origin")).as("an unknown origin is stored empty")
			.isFalse();
		Response again = this.owner.postJson(ws(chats()), "{\"session_id\":\"" + session + "\"}");
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("id").asString()).isEqualTo(session);
		assertThat(
				newMember(WorkspaceRole.MEMBER).postJson(ws(chats()), "{\"session_id\":\"" + session + "\"}").status())
			.isEqualTo(409);
		assertThat(this.owner.postJson(ws(chats()), "{\"session_id\":\"bad id!\"}").status()).isEqualTo(400);
		assertThat(this.owner.postJson(ws(chats()), "{\"origin\":7}").status()).isEqualTo(400);
		assertThat(this.owner.postJson(ws(chats()), "[1]").status()).isEqualTo(400);
	}

	@Test
	void attachmentsAreBoundedIdempotentAndListedNewestFirst() {
		String chatId = newChat();
		String base = chats() + "/" + chatId + "/attachments";
		Response uploaded = upload(this.owner, base, "notes.txt", "first draft");
		assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
		String id = uploaded.json().get("id").asString();
		assertThat(uploaded.json().get("path").asString()).isEqualTo("attachments/" + chatId + "/" + id + "/notes.txt");
		assertThat(uploaded.json().get("agent_path").asString()).startsWith("/output/agent-")
			.endsWith("/attachments/" + chatId + "/" + id + "/notes.txt");
		assertThat(uploaded.json().get("size").asInt()).isEqualTo("first draft".length());

		Response retry = upload(this.owner, base, "notes.txt", "first draft");
		assertThat(retry.status()).as("the same bytes under the same name are a retry").isEqualTo(200);
		assertThat(retry.json().get("id").asString()).isEqualTo(id);
		Response second = upload(this.owner, base, "notes.txt", "second draft");
		assertThat(second.status()).as("another file of the same name is another attachment").isEqualTo(201);

		JsonNode list = this.owner.get(ws(base)).json();
		assertThat(list).hasSize(2);
		assertThat(list.get(0).get("id").asString()).isEqualTo(second.json().get("id").asString());
		assertThat(list.get(1).get("sha256").asString()).hasSize(64);
		assertThat(list.get(1).get("owner_type").asString()).isEqualTo("chat");
		assertThat(list.get(1).get("owner_id").asString()).isEqualTo(chatId);
		assertThat(list.get(1).get("uploaded_by_user_id").asString()).isEqualTo(this.ownerId);

		// too large: 413 problem+json, nothing stored
		Response large = upload(this.owner, base, "big.txt", "x".repeat(1_000_001));
		assertThat(large.status()).isEqualTo(413);
		assertThat(large.header("Content-Type")).startsWith("application/problem+json");
		Response noFile = this.owner.send("POST", ws(base), "multipart/form-data; boundary=b",
				"--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n");
		assertThat(noFile.status()).isEqualTo(400);
		// a viewer may list but not attach
		TestHttp viewer = newMember(WorkspaceRole.VIEWER);
		assertThat(viewer.get(ws(base)).json()).hasSize(2);
		assertThat(upload(viewer, base, "v.txt", "v").status()).isEqualTo(403);

		assertThat(this.owner.delete(ws(base + "/" + id)).status()).isEqualTo(204);
		assertThat(this.owner.delete(ws(base + "/" + id)).status()).as("idempotent").isEqualTo(204);
		assertThat(this.owner.get(ws(base)).json()).hasSize(1);
	}

	@Test
	void aChatHoldsABoundedNumberOfAttachments() {
		String chatId = newChat();
		String base = chats() + "/" + chatId + "/attachments";
		for (int i = 0; i < 20; i++) {
			assertThat(upload(this.owner, base, "f" + i + ".txt", "content " + i).status()).isEqualTo(201);
		}
		Response over = upload(this.owner, base, "f20.txt", "content 20");
		assertThat(over.status()).isEqualTo(413);
		assertThat(over.body()).contains("at most 20");
		assertThat(this.owner.get(ws(base)).json()).hasSize(20);
	}

	@Test
	void participantsTurnAChatIntoAGroupAndOnlyTheOwnerChangesThem() {
		String chatId = newChat();
		String path = "/api/v1/chats/" + chatId + "/participants";
		assertThat(this.owner.get(path).json().get("participants")).isEmpty();
		String colleague = newMemberId(WorkspaceRole.MEMBER);
		Response added = this.owner.postJson(path, "{\"user_id\":\"" + colleague + "\"}");
		assertThat(added.status()).as(added.toString()).isEqualTo(200);
		assertThat(added.json().get("role").asString()).isEqualTo("member");
		assertThat(this.owner.get(path).json().get("participants")).singleElement()
			.satisfies(p -> assertThat(p.get("user_id").asString()).isEqualTo(colleague));
		assertThat(this.owner.get(ws(chats())).json().get(0).get("mode").asString()).isEqualTo("GROUP");

		assertThat(this.owner.postJson(path, "{\"user_id\":\"not-a-member\"}").status()).isEqualTo(400);
		assertThat(as(colleague).postJson(path, "{\"user_id\":\"" + newMemberId(WorkspaceRole.MEMBER) + "\"}").status())
			.isEqualTo(403);
		assertThat(this.owner.delete(path + "/" + this.ownerId).status()).as("cannot remove the chat owner")
			.isEqualTo(400);
		assertThat(this.owner.delete(path + "/" + colleague).status()).isEqualTo(204);
		assertThat(this.owner.get(path).json().get("participants")).isEmpty();
	}

	@Test
	void reactionsAreIdempotentPerUserAndCounted() {
		String chatId = newChat();
		send(chatId, "hello");
		await("the message stored", () -> messages(chatId).size() >= 1);
		String messageId = messages(chatId).get(0).get("id").asString();
		String path = "/api/v1/chats/" + chatId + "/messages/" + messageId + "/reactions";
		assertThat(this.owner.postJson(path, "{\"emoji\":\"👍\"}").json().get("emoji").asString()).isEqualTo("👍");
		assertThat(this.owner.postJson(path, "{\"emoji\":\"👍\"}").status()).isEqualTo(200);
		TestHttp colleague = newMember(WorkspaceRole.MEMBER);
		colleague.postJson(path, "{\"emoji\":\"👍\"}");
		colleague.postJson(path, "{\"emoji\":\"🎉\"}");
		JsonNode mine = this.owner.get(path).json().get("reactions");
		assertThat(mine).hasSize(2);
		assertThat(mine.get(0).get("emoji").asString()).isEqualTo("👍");
		assertThat(mine.get(0).get("count").asInt()).isEqualTo(2);
		assertThat(mine.get(0).get("mine").asBoolean()).isTrue();
		assertThat(mine.get(1).get("mine").asBoolean()).isFalse();

		assertThat(this.owner
			.delete(path + "/" + java.net.URLEncoder.encode("👍", java.nio.charset.StandardCharsets.UTF_8))
			.status()).isEqualTo(204);
		assertThat(this.owner.get(path).json().get("reactions").get(0).get("count").asInt()).isEqualTo(1);
		assertThat(this.owner.postJson(path, "{\"emoji\":\"not one\"}").status()).isEqualTo(400);
		assertThat(this.owner.postJson("/api/v1/chats/" + chatId + "/messages/nope/reactions", "{\"emoji\":\"👍\"}")
			.status()).isEqualTo(404);
	}

	@Test
	void theOwnerLookupIsForInternalCallersOnly() {
		String chatId = newChat();
		TestHttp internal = this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.internal());
		JsonNode owner = internal.get("/api/v1/internal/chats/" + chatId).json();
		assertThat(owner.get("id").asString()).isEqualTo(chatId);
		assertThat(owner.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(internal.get("/api/v1/internal/chats/nope").status()).isEqualTo(404);
		assertThat(this.owner.get("/api/v1/internal/chats/" + chatId).status()).as("no such endpoint for users")
			.isEqualTo(404);
	}

	@Test
	void theStreamOfAnIdleChatOpensAndEnds() {
		String chatId = newChat();
		Response stream = this.owner.get("/api/v1/chats/" + chatId + "/stream");
		assertThat(stream.status()).isEqualTo(200);
		assertThat(stream.header("Content-Type")).startsWith("application/x-ndjson");
		List<JsonNode> lines = stream.body().lines().map(line -> this.json.readTree(line)).toList();
		assertThat(lines).extracting(line -> line.get("type").asString()).containsExactly("stream.open", "stream.end");
		assertThat(lines.get(0).get("active").asBoolean()).isFalse();
		assertThat(lines.get(1).get("reason").asString()).isEqualTo("no_active_run");
		assertThat(this.owner.get("/api/v1/chats/" + chatId + "/stream?idle=-1").status()).isEqualTo(400);
	}

}
