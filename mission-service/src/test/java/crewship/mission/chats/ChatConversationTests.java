package crewship.mission.chats;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import crewship.mission.runs.NewRun.Turn;
import crewship.mission.runs.RunStatus;
import crewship.mission.runs.Trigger;
import crewship.platform.events.EventEnvelope;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conversation as the WebSocket drives it: {@code send_message} /
 * {@code cancel_message} arrive on {@code crewship.realtime.v1} as realtime-service
 * publishes them; the agent's run streams {@code text} and ends in {@code done} +
 * {@code result} (or {@code error}) on {@code crewship.mission.v1}, which
 * realtime-service fans out to the session.
 */
class ChatConversationTests extends ChatTestSupport {

	@Test
	void aMessageBecomesARunWhoseReplyStreamsAndIsStored() {
		String chatId = newChat();
		send(chatId, "  Review the latest PR  ");
		StandInEngine.Submitted run = awaitRun(chatId, 0);
		assertThat(run.run().trigger()).isEqualTo(Trigger.CHAT);
		assertThat(run.run().chatId()).isEqualTo(chatId);
		assertThat(run.run().agentId()).isEqualTo(this.agentId);
		assertThat(run.run().prompt()).isEqualTo("Review the latest PR");
		assertThat(run.run().conversation()).isEmpty();
		assertThat(run.run().actor()).isEqualTo(this.ownerId);

		this.engine.chunk(run.id(), "Looks ");
		this.engine.chunk(run.id(), "good.");
		this.engine.finish(run.id(), RunStatus.COMPLETED, "Looks good.", null);

		List<EventEnvelope> frames = frames(chatId, found -> hasType(found, "result"));
		List<EventEnvelope> session = frames.stream()
			.filter(f -> List.of("status", "text", "done", "result").contains(f.type()))
			.toList();
		assertThat(session).extracting(EventEnvelope::type).containsExactly("status", "text", "text", "done", "result");
		assertThat(session).allSatisfy(frame -> {
			assertThat(frame.workspaceId()).isEqualTo(this.workspaceId);
			assertThat(frame.data().get("chat_id").asString()).isEqualTo(chatId);
			assertThat(frame.data().get("session_id").asString()).isEqualTo(chatId);
			assertThat(frame.data().get("run_id").asString()).isEqualTo(run.id());
		});
		assertThat(session.get(1).data().get("content").asString()).isEqualTo("Looks ");
		assertThat(session.get(3).data().get("status").asString()).isEqualTo("COMPLETED");
		assertThat(session.get(4).data().get("content").asString()).isEqualTo("Looks good.");
		assertThat(session.get(4).data().get("is_error").asBoolean()).isFalse();
		assertThat(frames).as("the stored messages are announced through the outbox")
			.filteredOn(f -> f.type().equals("chat.message_created"))
			.extracting(f -> f.data().get("role").asString())
			.containsExactly("user", "assistant");

		JsonNode messages = messages(chatId);
		assertThat(messages).extracting(m -> m.get("role").asString()).containsExactly("user", "assistant");
		assertThat(messages.get(0).get("content").asString()).isEqualTo("Review the latest PR");
		assertThat(messages.get(0).get("author_user_id").asString()).isEqualTo(this.ownerId);
		assertThat(messages.get(1).get("content").asString()).isEqualTo("Looks good.");
		assertThat(messages.get(1).get("session_id").asString()).isEqualTo(chatId);

		JsonNode chat = this.owner.get(ws(chats())).json().get(0);
		assertThat(chat.get("message_count").asInt()).isEqualTo(2);
		assertThat(chat.get("unread_count").asInt()).as("the reply is unread, one's own message is not").isEqualTo(1);
		this.owner.send("PUT", ws(chats() + "/" + chatId + "/read"), "application/json", "{}");
		assertThat(this.owner.get(ws(chats())).json().get(0).get("unread_count").asInt()).isZero();

		// the next message carries the conversation so far
		send(chatId, "And the tests?");
		StandInEngine.Submitted next = awaitRun(chatId, 1);
		assertThat(next.run().conversation()).containsExactly(new Turn("user", "Review the latest PR"),
				new Turn("assistant", "Looks good."));
		assertThat(next.run().prompt()).isEqualTo("And the tests?");
	}

	@Test
	void oneReplyIsWrittenAtATimeAndAFailureIsAnErrorFrame() {
		String chatId = newChat();
		send(chatId, "first");
		StandInEngine.Submitted run = awaitRun(chatId, 0);
		send(chatId, "second, too early");
		List<EventEnvelope> refused = frames(chatId, found -> hasType(found, "error"));
		assertThat(refused).filteredOn(f -> f.type().equals("error"))
			.singleElement()
			.satisfies(error -> assertThat(error.data().get("error").asString()).contains("still answering"));
		assertThat(runsOf(chatId)).hasSize(1);
		assertThat(messages(chatId)).hasSize(1);

		this.engine.finish(run.id(), RunStatus.FAILED, "", "provider unavailable");
		List<EventEnvelope> frames = frames(chatId, found -> hasType(found, "result"));
		assertThat(frames).filteredOn(f -> f.type().equals("error") && f.data().has("run_id"))
			.singleElement()
			.satisfies(error -> assertThat(error.data().get("error").asString())
				.isEqualTo("The agent could not answer: provider unavailable"));
		assertThat(frames).filteredOn(f -> f.type().equals("result"))
			.singleElement()
			.satisfies(result -> assertThat(result.data().get("is_error").asBoolean()).isTrue());
		JsonNode messages = messages(chatId);
		assertThat(messages).extracting(m -> m.get("role").asString()).containsExactly("user", "system");

		// the chat takes a message again
		send(chatId, "retry");
		awaitRun(chatId, 1);
	}

	@Test
	void cancelStopsTheReplyBeingWritten() {
		String chatId = newChat();
		send(chatId, "write a long essay");
		StandInEngine.Submitted run = awaitRun(chatId, 0);
		command("cancel_message", chatId, this.ownerId, this.workspaceId, Map.of("session_id", chatId));
		await("the run cancelled", () -> this.engine.cancelled.contains(run.id()));

		this.engine.finish(run.id(), RunStatus.CANCELLED, "Once upon", "cancelled by the user");
		List<EventEnvelope> frames = frames(chatId, found -> hasType(found, "done"));
		assertThat(frames).filteredOn(f -> f.type().equals("done"))
			.singleElement()
			.satisfies(done -> assertThat(done.data().get("status").asString()).isEqualTo("CANCELLED"));
		await("the partial reply and the note stored", () -> messages(chatId).size() == 3);
		assertThat(messages(chatId)).extracting(m -> m.get("content").asString())
			.containsExactly("write a long essay", "Once upon", "The reply was cancelled: cancelled by the user");
	}

	@Test
	void aCommandIsAppliedOnceAndOnlyForTheChatsPeople() {
		String chatId = newChat();
		String id = send(chatId, "once");
		awaitRun(chatId, 0);
		// the same envelope again (a redelivery): no second message, no second run
		EventEnvelope again = new EventEnvelope(id, "send_message", this.workspaceId, chatId, this.ownerId,
				crewship.platform.ids.Timestamps.now(),
				this.json.valueToTree(Map.of("session_id", chatId, "content", "once")));
		this.kafka.send(crewship.platform.events.Topics.REALTIME, chatId, this.json.writeValueAsString(again)).join();

		// a member who is not in the chat, and a user not in the workspace at all
		String member = newMember(WorkspaceRole.MEMBER);
		command("send_message", chatId, member, this.workspaceId, Map.of("session_id", chatId, "content", "hi"));
		command("send_message", chatId, "stranger", this.workspaceId, Map.of("session_id", chatId, "content", "hi"));
		List<EventEnvelope> errors = frames(chatId,
				found -> found.stream().filter(f -> f.type().equals("error")).count() >= 2)
			.stream()
			.filter(f -> f.type().equals("error"))
			.toList();
		assertThat(errors).extracting(e -> e.data().get("error").asString())
			.containsExactly("Only the chat's creator and its participants may send to it", "access denied");
		assertThat(runsOf(chatId)).hasSize(1);
		assertThat(messages(chatId)).hasSize(1);

		// a participant may send; in a group chat the agent answers when @mentioned
		this.owner.postJson("/api/v1/chats/" + chatId + "/participants", "{\"user_id\":\"" + member + "\"}");
		this.engine.finish(runsOf(chatId).get(0).id(), RunStatus.COMPLETED, "done", null);
		await("the reply stored", () -> messages(chatId).size() == 2);
		command("send_message", chatId, member, this.workspaceId,
				Map.of("session_id", chatId, "content", "shall we ask viktor@example.com?"));
		List<EventEnvelope> done = frames(chatId, found -> found.stream()
			.anyMatch(f -> f.type().equals("done") && "NOT_MENTIONED".equals(f.data().path("status").asString())));
		assertThat(done).as("a message among people ends without a reply").isNotEmpty();
		assertThat(messages(chatId)).hasSize(3);
		assertThat(runsOf(chatId)).hasSize(1);
		command("send_message", chatId, member, this.workspaceId,
				Map.of("session_id", chatId, "content", "@viktor what do you think?"));
		assertThat(awaitRun(chatId, 1).run().actor()).isEqualTo(member);
	}

	@Test
	void aSteeringMessageWaitsForTheNextTurn() {
		String chatId = newChat();
		String steer = "/api/v1/chats/" + chatId + "/steer";
		Response immediate = this.owner.postJson(steer, "{\"message\":\"start with the auth bug\"}");
		assertThat(immediate.status()).as(immediate.toString()).isEqualTo(200);
		assertThat(immediate.json().get("queued").asBoolean()).isFalse();
		StandInEngine.Submitted run = awaitRun(chatId, 0);

		Response held = this.owner.postJson(steer, "{\"message\":\"use the staging DB, not prod\"}");
		assertThat(held.status()).isEqualTo(202);
		assertThat(held.json().get("in_flight").asBoolean()).isTrue();
		assertThat(held.json().get("queued").asBoolean()).isTrue();
		assertThat(runsOf(chatId)).as("the running reply is not interrupted").hasSize(1);

		this.engine.finish(run.id(), RunStatus.COMPLETED, "On it.", null);
		StandInEngine.Submitted next = awaitRun(chatId, 1);
		assertThat(next.run().prompt()).isEqualTo("use the staging DB, not prod");
		assertThat(next.run().conversation()).extracting(Turn::content)
			.containsExactly("start with the auth bug", "On it.");
		assertThat(this.owner.postJson(steer, "{}").status()).isEqualTo(400);
	}

	@Test
	void theHttpStreamCarriesTheRunUntilItEnds() throws Exception {
		String chatId = newChat();
		send(chatId, "stream it");
		StandInEngine.Submitted run = awaitRun(chatId, 0);
		java.util.concurrent.CompletableFuture<Response> stream = java.util.concurrent.CompletableFuture
			.supplyAsync(() -> this.owner.get("/api/v1/chats/" + chatId + "/stream?idle=20"));
		await("the stream open", () -> streams().openStreams(chatId) == 1);
		this.engine.chunk(run.id(), "Hello");
		this.engine.finish(run.id(), RunStatus.COMPLETED, "Hello", null);
		Response answered = stream.get(30, java.util.concurrent.TimeUnit.SECONDS);
		List<JsonNode> lines = answered.body().lines().map(line -> this.json.readTree(line)).toList();
		assertThat(lines).extracting(line -> line.get("type").asString())
			.containsExactly("stream.open", "text", "done", "result", "stream.end");
		assertThat(lines.get(0).get("active").asBoolean()).isTrue();
		assertThat(lines.get(1).get("content").asString()).isEqualTo("Hello");
		assertThat(lines.get(1).get("seq").asLong()).isEqualTo(1);
		assertThat(lines.get(4).get("reason").asString()).isEqualTo("run_finished");
		assertThat(lines.get(4).get("last_seq").asLong()).isEqualTo(3);
	}

	@org.springframework.beans.factory.annotation.Autowired
	ChatStreams chatStreams;

	ChatStreams streams() {
		return this.chatStreams;
	}

}
