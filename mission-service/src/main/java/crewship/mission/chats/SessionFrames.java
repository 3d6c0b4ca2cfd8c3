package crewship.mission.chats;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import crewship.mission.live.LiveEvents;

/**
 * A chat session's frames ({@code text}, {@code status}, {@code done}, {@code result},
 * {@code error}) on {@code crewship.mission.v1}, keyed by the chat id so one session's
 * frames keep their order; realtime-service fans {@code data.chat_id} out to
 * {@code session:{chatId}}. A frame about stored state goes out only once that state is
 * committed: a client that refetches on {@code done} finds the reply.
 */
@Component
class SessionFrames {

	private final LiveEvents live;

	SessionFrames(LiveEvents live) {
		this.live = live;
	}

	/** Sends now (ephemeral frames: streamed text). */
	void send(String type, String workspaceId, String chatId, String actor, Map<String, Object> fields) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("chat_id", chatId);
		data.put("session_id", chatId);
		data.putAll(fields);
		this.live.send(type, workspaceId, chatId, actor, data);
	}

	/**
	 * Sends once the current transaction commits (at once outside one); never on
	 * rollback.
	 */
	void afterCommit(String type, String workspaceId, String chatId, String actor, Map<String, Object> fields) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			send(type, workspaceId, chatId, actor, fields);
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				send(type, workspaceId, chatId, actor, fields);
			}
		});
	}

	/** An error frame addressed to the session, with the reason under both names. */
	void error(String workspaceId, String chatId, String runId, String reason) {
		Map<String, Object> fields = new LinkedHashMap<>();
		if (runId != null) {
			fields.put("run_id", runId);
		}
		fields.put("error", reason);
		fields.put("message", reason);
		afterCommit("error", workspaceId, chatId, null, fields);
	}

}
