package crewship.mission.chats;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import crewship.platform.events.EventEnvelope;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/v1/chats/{chatId}/stream}: a chat's run over plain HTTP as NDJSON, for
 * clients without a WebSocket. Every replica reads the session frames of
 * {@code crewship.mission.v1} in a consumer group of its own from the latest offset (a
 * run may execute on another replica) and hands them to its open streams of that chat.
 * <p>
 * Lines: {@code stream.open} ({@code active}: a reply is being written), then the
 * session's frames ({@code text}, {@code status}, {@code done}, {@code result},
 * {@code error}) numbered by {@code seq}, {@code heartbeat} every 15 s, and
 * {@code stream.end} with a {@code reason} ({@code no_active_run}, {@code run_finished},
 * {@code idle}, {@code chat_deleted}) and {@code last_seq}. Without {@code follow} the
 * stream ends with the run; sequence numbers count this stream's frames (a resumed stream
 * continues from {@code last_seq}, it does not replay what was missed).
 */
@Component
class ChatStreams {

	private static final Set<String> FRAMES = Set.of("text", "status", "done", "result", "error", "tool_call",
			"tool_result", "thinking", "system");

	private static final Duration HEARTBEAT = Duration.ofSeconds(15);

	private static final Duration RECHECK = Duration.ofSeconds(2);

	private final Map<String, Set<BlockingQueue<EventEnvelope>>> open = new ConcurrentHashMap<>();

	private final Chats chats;

	private final JsonMapper json;

	ChatStreams(Chats chats, JsonMapper json) {
		this.chats = chats;
		this.json = json;
	}

	@KafkaListener(id = "chat-streams", topics = "crewship.mission.v1",
			groupId = "${spring.application.name}-chat-streams-${random.uuid}", properties = "auto.offset.reset=latest")
	void onFrame(ConsumerRecord<String, String> record) {
		// a session frame is keyed by its chat: nothing to parse unless a stream waits
		if (record.key() == null || record.value() == null || !this.open.containsKey(record.key())) {
			return;
		}
		EventEnvelope event;
		try {
			event = this.json.readValue(record.value(), EventEnvelope.class);
		}
		catch (RuntimeException ex) {
			return;
		}
		JsonNode chatId = (event.data() != null) ? event.data().get("chat_id") : null;
		if (!FRAMES.contains(event.type()) || chatId == null || !record.key().equals(chatId.asString())) {
			return;
		}
		Set<BlockingQueue<EventEnvelope>> queues = this.open.get(record.key());
		if (queues != null) {
			queues.forEach(queue -> queue.offer(event));
		}
	}

	void stream(Chat chat, boolean follow, int idleSeconds, long lastSeq, HttpServletResponse response)
			throws IOException {
		BlockingQueue<EventEnvelope> queue = new LinkedBlockingQueue<>(10_000);
		this.open.computeIfAbsent(chat.id(), id -> ConcurrentHashMap.newKeySet()).add(queue);
		try {
			response.setStatus(200);
			response.setContentType("application/x-ndjson");
			response.setHeader("Cache-Control", "no-store");
			response.setHeader("X-Accel-Buffering", "no");
			OutputStream out = response.getOutputStream();
			// registered before looking: a run that starts now is not missed
			String activeRun = this.chats.find(chat.id()).map(Chat::activeRunId).orElse(null);
			long seq = lastSeq;
			ObjectNode opened = line("stream.open", chat.id());
			opened.put("active", activeRun != null);
			opened.put("from_seq", lastSeq);
			write(out, opened);
			if (activeRun == null && !follow) {
				end(out, chat.id(), "no_active_run", seq);
				return;
			}
			long idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(idleSeconds);
			long nextHeartbeat = System.nanoTime() + HEARTBEAT.toNanos();
			long nextCheck = System.nanoTime() + RECHECK.toNanos();
			long endedSince = 0;
			while (true) {
				EventEnvelope frame = queue.poll(500, TimeUnit.MILLISECONDS);
				long now = System.nanoTime();
				if (frame != null) {
					seq++;
					idleDeadline = now + TimeUnit.SECONDS.toNanos(idleSeconds);
					ObjectNode written = line(frame.type(), chat.id());
					written.put("seq", seq);
					if (frame.data() != null && frame.data().isObject()) {
						frame.data().properties().forEach(field -> {
							if (!field.getKey().equals("type") && !field.getKey().equals("seq")) {
								written.set(field.getKey(), field.getValue());
							}
						});
					}
					write(out, written);
					if (!follow && (frame.type().equals("done") || frame.type().equals("error"))) {
						seq = drainResult(queue, out, chat.id(), seq);
						end(out, chat.id(), "run_finished", seq);
						return;
					}
					continue;
				}
				if (now - idleDeadline > 0) {
					end(out, chat.id(), "idle", seq);
					return;
				}
				if (now - nextHeartbeat > 0) {
					write(out, line("heartbeat", chat.id()));
					nextHeartbeat = now + HEARTBEAT.toNanos();
				}
				if (now - nextCheck > 0) {
					nextCheck = now + RECHECK.toNanos();
					Optional<Chat> current = this.chats.find(chat.id());
					if (current.isEmpty()) {
						end(out, chat.id(), "chat_deleted", seq);
						return;
					}
					// the run ended, and its done frame did not come (missed, or another
					// replica's broker hiccup): end a few seconds later anyway
					if (!follow && current.get().activeRunId() == null) {
						endedSince = (endedSince == 0) ? now : endedSince;
						if (now - endedSince > TimeUnit.SECONDS.toNanos(5)) {
							end(out, chat.id(), "run_finished", seq);
							return;
						}
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			// the client went away
		}
		finally {
			this.open.computeIfPresent(chat.id(), (id, queues) -> {
				queues.remove(queue);
				return queues.isEmpty() ? null : queues;
			});
		}
	}

	/**
	 * The {@code result} that follows {@code done} closely, if it comes within a second.
	 */
	private long drainResult(BlockingQueue<EventEnvelope> queue, OutputStream out, String chatId, long seq)
			throws InterruptedException, IOException {
		EventEnvelope frame = queue.poll(1, TimeUnit.SECONDS);
		if (frame == null || !frame.type().equals("result")) {
			return seq;
		}
		{
			ObjectNode written = line("result", chatId);
			written.put("seq", seq + 1);
			if (frame.data() != null && frame.data().isObject()) {
				frame.data().properties().forEach(field -> written.set(field.getKey(), field.getValue()));
			}
			written.put("type", "result");
			written.put("seq", seq + 1);
			write(out, written);
		}
		return seq + 1;
	}

	private void end(OutputStream out, String chatId, String reason, long lastSeq) throws IOException {
		ObjectNode ended = line("stream.end", chatId);
		ended.put("reason", reason);
		ended.put("last_seq", lastSeq);
		write(out, ended);
	}

	private ObjectNode line(String type, String chatId) {
		ObjectNode line = this.json.createObjectNode();
		line.put("type", type);
		line.put("chat_id", chatId);
		return line;
	}

	private void write(OutputStream out, ObjectNode line) throws IOException {
		out.write((this.json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	/** Open streams per chat on this replica (for tests). */
	int openStreams(String chatId) {
		Set<BlockingQueue<EventEnvelope>> queues = this.open.get(chatId);
		return (queues != null) ? queues.size() : 0;
	}

}
