package crewship.mission.chats;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import crewship.platform.events.Topics;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WebSocket's {@code send_message} and {@code cancel_message}, as realtime-service
 * hands them over on {@code crewship.realtime.v1} (type = the frame's, subject = the
 * chat, actor = the user, data = the frame's payload). realtime-service checked the
 * session channel; this checks again against the chat row and the membership replica (the
 * chat may have moved on since), applies each command once (by envelope id), and answers
 * a refusal with an {@code error} frame addressed to the session.
 */
@Component
class ChatCommandConsumer {

	static final String CONSUMER = "mission.chat-commands";

	static final String SEND = "send_message";

	static final String CANCEL = "cancel_message";

	private static final Logger log = LoggerFactory.getLogger(ChatCommandConsumer.class);

	private final Chats chats;

	private final ProcessedEvents processed;

	private final MembershipReplica memberships;

	private final SessionFrames frames;

	private final JsonMapper json;

	private final TransactionTemplate transactions;

	ChatCommandConsumer(Chats chats, ProcessedEvents processed, MembershipReplica memberships, SessionFrames frames,
			JsonMapper json, PlatformTransactionManager transactionManager) {
		this.chats = chats;
		this.processed = processed;
		this.memberships = memberships;
		this.frames = frames;
		this.json = json;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	@KafkaListener(topics = Topics.REALTIME, groupId = "${spring.application.name}.chat-commands")
	void onCommand(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			return;
		}
		EventEnvelope command;
		try {
			command = this.json.readValue(record.value(), EventEnvelope.class);
		}
		catch (RuntimeException ex) {
			log.warn("Skipping an unreadable command at {}: {}", record.offset(), ex.getMessage());
			return;
		}
		apply(command);
	}

	void apply(EventEnvelope command) {
		if (!SEND.equals(command.type()) && !CANCEL.equals(command.type())) {
			return;
		}
		String chatId = command.subject();
		if (chatId == null || command.id() == null || command.workspaceId() == null) {
			return;
		}
		AtomicReference<String> refusal = new AtomicReference<>();
		this.transactions.executeWithoutResult(status -> {
			if (!this.processed.markApplied(CONSUMER, command.id())) {
				return;
			}
			try {
				execute(command, chatId);
			}
			catch (ProblemException ex) {
				refusal.set(ex.getBody().getDetail());
				status.setRollbackOnly();
			}
		});
		if (refusal.get() != null) {
			// nothing of the command stays but its mark, so a redelivery is not answered
			// twice
			this.transactions.executeWithoutResult(status -> {
				if (this.processed.markApplied(CONSUMER, command.id())) {
					this.frames.error(command.workspaceId(), chatId, null, refusal.get());
				}
			});
		}
	}

	private void execute(EventEnvelope command, String chatId) {
		String actor = command.actor();
		Optional<Chat> chat = this.chats.find(chatId);
		// a chat of another workspace, or a user no longer in it: the same refusal
		if (actor == null || chat.isEmpty() || !chat.get().workspaceId().equals(command.workspaceId())
				|| this.memberships.find(command.workspaceId(), actor).isEmpty()) {
			throw ProblemException.forbidden("access denied");
		}
		if (SEND.equals(command.type())) {
			this.chats.send(chatId, actor, text(command.data(), "content"));
		}
		else {
			this.chats.cancel(chatId, actor);
		}
	}

	private static String text(JsonNode data, String field) {
		JsonNode value = (data != null && data.isObject()) ? data.get(field) : null;
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
