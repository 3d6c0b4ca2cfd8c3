package crewship.mission.journal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import tools.jackson.databind.json.JsonMapper;

/**
 * The live tails of {@code GET /api/v1/journal/stream}. No thread per stream: each is an
 * async {@link SseEmitter}, and one poller thread per replica reads, once a second, the
 * entries appended after the lowest watermark of each workspace that has open streams
 * (one query per workspace, whichever replica wrote them) and hands each stream those
 * matching its filter. The watermark is the chain's seq, which commits in order (appends
 * of a workspace hold its head's row lock until commit), so a burst is never partially
 * skipped. A comment every 15 s keeps proxies from closing an idle stream.
 */
@Component
class JournalStreams implements DisposableBean {

	static final int SEED = 50;

	static final int GAP = 500;

	static final Duration POLL = Duration.ofSeconds(1);

	static final Duration HEARTBEAT = Duration.ofSeconds(15);

	static final Duration LIFETIME = Duration.ofMinutes(30);

	private static final Logger log = LoggerFactory.getLogger(JournalStreams.class);

	private final JournalReader reader;

	private final JsonMapper json;

	private final Map<String, Set<Stream>> streams = new ConcurrentHashMap<>();

	private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "journal-streams");
		thread.setDaemon(true);
		return thread;
	});

	JournalStreams(JournalReader reader, JsonMapper json) {
		this.reader = reader;
		this.json = json;
		this.poller.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
		this.poller.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/** One open stream and the last seq it has seen. */
	private static final class Stream {

		final SseEmitter emitter;

		final JournalFilter filter;

		volatile long seen;

		Stream(SseEmitter emitter, JournalFilter filter, long seen) {
			this.emitter = emitter;
			this.filter = filter;
			this.seen = seen;
		}

	}

	int openCount() {
		return this.streams.values().stream().mapToInt(Set::size).sum();
	}

	/**
	 * Opens a stream: the seed (the latest 50 matching, or the gap after
	 * {@code lastEventId}, up to 500), then the live tail.
	 */
	SseEmitter open(String workspaceId, JournalFilter filter, String lastEventId) {
		SseEmitter emitter = new SseEmitter(LIFETIME.toMillis());
		long head = this.reader.headSeq(workspaceId);
		Long resumeFrom = (lastEventId != null && !lastEventId.isBlank())
				? this.reader.seqOf(workspaceId, lastEventId.trim()).orElse(null) : null;
		List<Journal.Stored> seed = (resumeFrom != null)
				? this.reader.after(workspaceId, resumeFrom, head, filter, GAP, true)
				: this.reader.after(workspaceId, 0, head, filter, SEED, true);
		if (resumeFrom != null && seed.size() == GAP) {
			log.warn("A journal stream of workspace {} resumed after a gap of more than {} entries; the older end "
					+ "was dropped", workspaceId, GAP);
		}
		Stream stream = new Stream(emitter, filter, head);
		Set<Stream> ofWorkspace = this.streams.computeIfAbsent(workspaceId, id -> ConcurrentHashMap.newKeySet());
		Runnable close = () -> {
			ofWorkspace.remove(stream);
			this.streams.computeIfPresent(workspaceId, (id, set) -> set.isEmpty() ? null : set);
		};
		emitter.onCompletion(close);
		emitter.onTimeout(close);
		emitter.onError(ex -> close.run());
		try {
			emitter.send(SseEmitter.event().comment("journal stream"));
			for (Journal.Stored stored : seed) {
				send(emitter, stored);
			}
		}
		catch (IOException | IllegalStateException ex) {
			emitter.completeWithError(ex);
			return emitter;
		}
		ofWorkspace.add(stream);
		return emitter;
	}

	private void poll() {
		for (Map.Entry<String, Set<Stream>> workspace : this.streams.entrySet()) {
			try {
				Set<Stream> open = workspace.getValue();
				long low = open.stream().mapToLong(s -> s.seen).min().orElse(Long.MAX_VALUE);
				if (low == Long.MAX_VALUE) {
					continue;
				}
				List<Journal.Stored> fresh = this.reader.after(workspace.getKey(), low, GAP);
				if (fresh.isEmpty()) {
					continue;
				}
				for (Stream stream : open) {
					deliver(stream, fresh);
				}
			}
			catch (RuntimeException ex) {
				log.debug("Journal stream poll of {} failed: {}", workspace.getKey(), ex.toString());
			}
		}
	}

	private void deliver(Stream stream, List<Journal.Stored> fresh) {
		try {
			for (Journal.Stored stored : fresh) {
				if (stored.seq() > stream.seen) {
					if (stream.filter.matches(stored)) {
						send(stream.emitter, stored);
					}
					stream.seen = stored.seq();
				}
			}
		}
		catch (IOException | IllegalStateException ex) {
			stream.emitter.completeWithError(ex);
		}
	}

	private void heartbeat() {
		for (Set<Stream> open : this.streams.values()) {
			for (Stream stream : open) {
				try {
					stream.emitter.send(SseEmitter.event().comment("heartbeat"));
				}
				catch (IOException | IllegalStateException ex) {
					stream.emitter.completeWithError(ex);
				}
			}
		}
	}

	private void send(SseEmitter emitter, Journal.Stored stored) throws IOException {
		emitter.send(SseEmitter.event()
			.id(stored.entry().id())
			.name("entry")
			.data(this.json.writeValueAsString(stored.entry())));
	}

	@Override
	public void destroy() {
		this.poller.shutdownNow();
		this.streams.values().forEach(open -> open.forEach(stream -> stream.emitter.complete()));
	}

}
