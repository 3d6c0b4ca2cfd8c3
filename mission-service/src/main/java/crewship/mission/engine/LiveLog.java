package crewship.mission.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import crewship.mission.agents.AgentProfile;
import crewship.mission.live.LiveEvents;
import crewship.mission.runs.Run;
import crewship.mission.runs.RunOutputChunk;
import crewship.mission.runs.RunStore;
import crewship.mission.runs.RunTransitions;
import crewship.platform.ids.Timestamps;

/**
 * What a run streams, as it streams: each chunk is published as a {@link RunOutputChunk}
 * (chats turn them into session frames) and collected for the run's record; the text is
 * sent as {@code agent.log} frames coalesced to at most one per
 * {@code crewship.mission.engine.log-coalesce} per run (a token per frame would flood
 * every subscriber), the runtime's log lines at once and into the agent's stored log.
 */
@Component
public class LiveLog {

	/** Most runtime log lines stored per run (the frames carry every one). */
	static final int STORED_LINES_MAX = 100;

	private final LiveEvents live;

	private final ApplicationEventPublisher publisher;

	private final RunStore store;

	private final Duration coalesce;

	private final DatabaseGate database;

	LiveLog(LiveEvents live, ApplicationEventPublisher publisher, RunStore store, EngineProperties properties,
			DatabaseGate database) {
		this.database = database;
		this.live = live;
		this.publisher = publisher;
		this.store = store;
		this.coalesce = properties.logCoalesce();
	}

	Sink open(Run run, AgentProfile agent) {
		return new Sink(run, agent);
	}

	/** One run's output. */
	public final class Sink implements RunOutput {

		private final Run run;

		private final AgentProfile agent;

		private final StringBuilder text = new StringBuilder();

		private final StringBuilder pending = new StringBuilder();

		private long lastFlush = System.nanoTime();

		private int storedLines;

		Sink(Run run, AgentProfile agent) {
			this.run = run;
			this.agent = agent;
		}

		@Override
		public void text(String chunk) {
			if (chunk == null || chunk.isEmpty()) {
				return;
			}
			synchronized (this) {
				if (this.text.length() < RunTransitions.OUTPUT_MAX) {
					this.text.append(chunk);
				}
				this.pending.append(chunk);
			}
			LiveLog.this.publisher.publishEvent(new RunOutputChunk(this.run.id(), this.run.workspaceId(),
					this.run.agentId(), this.run.trigger(), this.run.chatId(), this.run.missionId(), chunk));
			flushDue();
		}

		@Override
		public void log(String level, String event, String content) {
			flush();
			String line = (content != null) ? content : "";
			frame((level != null) ? level : "info", (event != null) ? event : "log", line);
			boolean store;
			synchronized (this) {
				store = this.storedLines++ < STORED_LINES_MAX;
			}
			if (store) {
				Instant at = Timestamps.now();
				LiveLog.this.database.callUninterruptibly(() -> {
					LiveLog.this.store.log(this.run, at, (level != null) ? level : "info",
							(event != null) ? event : "log", line);
					return null;
				});
			}
		}

		/** A lifecycle frame (started, finished); its stored line is the transition's. */
		void lifecycle(String level, String event, String content) {
			frame(level, event, content);
		}

		/** The text so far. */
		synchronized String text() {
			return this.text.toString();
		}

		void flushDue() {
			boolean due;
			synchronized (this) {
				due = !this.pending.isEmpty() && System.nanoTime() - this.lastFlush >= LiveLog.this.coalesce.toNanos();
			}
			if (due) {
				flush();
			}
		}

		synchronized void flush() {
			if (this.pending.isEmpty()) {
				return;
			}
			String content = this.pending.toString();
			this.pending.setLength(0);
			this.lastFlush = System.nanoTime();
			frame("info", "output", content); // under the lock: frames leave in order
		}

		private synchronized void frame(String level, String event, String content) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("ts", Timestamps.now().toString());
			data.put("level", level);
			data.put("agent", (this.agent.name() != null) ? this.agent.name() : this.run.agentId());
			data.put("agent_id", this.run.agentId());
			data.put("event", event);
			data.put("content", content);
			data.put("metadata", Map.of("run_id", this.run.id()));
			data.put("run_id", this.run.id());
			if (this.run.chatId() != null) {
				data.put("chat_id", this.run.chatId());
			}
			if (this.run.missionId() != null) {
				data.put("mission_id", this.run.missionId());
			}
			LiveLog.this.live.send("agent.log", this.run.workspaceId(), this.run.agentId(), "mission", data);
		}

	}

}
