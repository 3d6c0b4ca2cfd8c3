package crewship.mission;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.engine.AgentRuntime;
import crewship.mission.engine.RunEngine;
import crewship.mission.engine.RunEngines;
import crewship.mission.engine.RunOutcome;
import crewship.mission.runs.NewRun;
import crewship.mission.runs.Trigger;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine under load, with runtimes that behave like a provider: runs wait on their
 * calls side by side on virtual threads (no pool of platform threads caps them), and a
 * stream of tiny chunks reaches {@code /ws} as a few coalesced frames.
 */
class EngineLoadTests extends MissionTestSupport {

	@Autowired
	RunEngines engines;

	@Test
	void twoHundredRunsWaitOnTheirProviderCallsAtOnce() {
		String crewId = crew("Load");
		List<String> agents = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			agents.add(agent(crewId, "Caller " + i));
		}
		AtomicInteger inCall = new AtomicInteger();
		AtomicInteger mostInCall = new AtomicInteger();
		// a provider call: blocks its thread as an HTTP call does — here until 200 calls
		// are in flight together (or 20 s passed), so the count does not depend on how
		// fast this machine submits and claims
		AgentRuntime provider = (request, output) -> {
			mostInCall.accumulateAndGet(inCall.incrementAndGet(), Math::max);
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			try {
				while (mostInCall.get() < 200 && System.nanoTime() < deadline) {
					Thread.sleep(20);
				}
				Thread.sleep(50);
			}
			finally {
				inCall.decrementAndGet();
			}
			output.text("answer");
			return RunOutcome.completed("answer", "fake-provider", "TEST", "model-x", 10, 5, 0.001);
		};
		RunEngine loaded = this.engines.create("test-load-" + Cuid.next().substring(0, 6), provider,
				this.engines.properties().withCaps(400, 1000, 20));
		this.engines.local().pause();
		try {
			loaded.start();
			List<String> ids = new TransactionTemplate(this.transactionManager).execute(status -> {
				List<String> submitted = new ArrayList<>();
				for (int i = 0; i < 250; i++) {
					submitted.add(this.runs
						.submit(new NewRun(this.workspaceId, agents.get(i % agents.size()), crewId, Trigger.MANUAL,
								"call " + i, List.of(), null, null, null, null, List.of(), null, this.ownerId)));
				}
				return submitted;
			});
			await("250 runs completed", Duration.ofSeconds(60),
					() -> this.jdbc.queryForObject(
							"select count(*) from run where id = any(?) and status = 'COMPLETED'", Integer.class,
							(Object) ids.toArray(String[]::new)) == 250);
			assertThat(mostInCall.get()).as("provider calls in flight at once").isGreaterThanOrEqualTo(200);
			assertThat(this.jdbc.queryForObject(
					"select count(*) from run where id = any(?) and model = 'model-x'"
							+ " and provider = 'TEST' and input_tokens = 10 and output_tokens = 5 and cost_usd > 0",
					Integer.class, (Object) ids.toArray(String[]::new)))
				.as("what the runtime reported is stored")
				.isEqualTo(250);
		}
		finally {
			loaded.stop();
			this.engines.local().resume();
		}
	}

	@Test
	void tinyChunksReachTheSocketAsAFewCoalescedFrames() {
		String crewId = crew("Stream");
		String agentId = agent(crewId, "Streamer");
		// 200 one-character chunks over about a second: a token stream
		AgentRuntime streaming = (request, output) -> {
			StringBuilder text = new StringBuilder();
			for (int i = 0; i < 200; i++) {
				String chunk = Character.toString('a' + (i % 26));
				output.text(chunk);
				text.append(chunk);
				Thread.sleep(5);
			}
			return RunOutcome.completed(text.toString(), "fake-stream", null, null, 0, 0, 0);
		};
		RunEngine streamer = this.engines.create("test-stream-" + Cuid.next().substring(0, 6), streaming,
				this.engines.properties());
		this.engines.local().pause();
		String runId;
		try {
			streamer.start();
			runId = submit(agentId, crewId, "stream");
			awaitStatus(runId, crewship.mission.runs.RunStatus.COMPLETED);
		}
		finally {
			streamer.stop();
			this.engines.local().resume();
		}
		String expected = column(runId, "output", String.class);
		assertThat(expected).hasSize(200);
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(MISSION_TOPIC,
				read -> output(read, runId).contains("run.completed"), Duration.ofSeconds(30));
		List<JsonNode> frames = frames(records, runId);
		List<JsonNode> text = frames.stream().filter(f -> f.get("event").asString().equals("output")).toList();
		assertThat(text.stream().map(f -> f.get("content").asString()).reduce("", String::concat)).isEqualTo(expected);
		assertThat(text.size()).as("frames for 200 chunks over ~1 s, one per 100 ms at most").isBetween(2, 20);
	}

	private String output(List<ConsumerRecord<String, String>> records, String runId) {
		return frames(records, runId).stream()
			.map(frame -> frame.get("event").asString())
			.reduce("", (a, b) -> a + " " + b);
	}

	private List<JsonNode> frames(List<ConsumerRecord<String, String>> records, String runId) {
		return records.stream()
			.map(record -> this.json.readTree(record.value()))
			.filter(event -> event.get("type").asString().equals("agent.log"))
			.map(event -> event.get("data"))
			.filter(data -> runId.equals(data.path("run_id").asString("")))
			.toList();
	}

}
