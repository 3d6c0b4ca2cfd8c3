package crewship.issue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace from the request through the outbox and Kafka to the consumer: an event keeps
 * the trace of the request that wrote it although the relay sends it later, on another
 * thread; a consumer works inside the trace of the record it reads, so what it publishes
 * in turn carries the same trace id.
 */
class TraceContextTests extends IssueTestSupport {

	private static String traceId() {
		byte[] bytes = new byte[16];
		ThreadLocalRandom.current().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	private static String traceParent(String traceId) {
		return "00-" + traceId + "-" + "00f067aa0ba902b7" + "-01";
	}

	private List<ConsumerRecord<String, String>> records(String key, String type) {
		return TestKafka
			.readUntil(ISSUE_TOPIC, read -> read.stream().anyMatch(r -> matches(r, key, type)), Duration.ofSeconds(30))
			.stream()
			.filter(r -> matches(r, key, type))
			.toList();
	}

	private boolean matches(ConsumerRecord<String, String> record, String key, String type) {
		return key.equals(record.key()) && this.json.readTree(record.value()).get("type").asString().equals(type);
	}

	private static String traceParentOf(ConsumerRecord<String, String> record) {
		Header header = record.headers().lastHeader("traceparent");
		return (header != null) ? new String(header.value(), StandardCharsets.US_ASCII) : null;
	}

	@Test
	void anEventCarriesTheTraceOfTheRequestThatWroteIt() {
		Crew crew = crew("TRC");
		String traceId = traceId();
		Response created = this.owner.postJson(ws("/api/v1/crews/" + crew.id() + "/issues"), "{\"title\":\"Traced\"}",
				"traceparent", traceParent(traceId));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String issueId = created.json().get("id").asString();

		ConsumerRecord<String, String> event = records(issueId, "issue.created").get(0);
		assertThat(traceParentOf(event)).as("traceparent of issue.created").startsWith("00-" + traceId + "-");
	}

	@Test
	void aConsumerWorksInTheTraceOfTheRecordItReads() {
		Crew crew = crew("TRK");
		String agentId = projectedAgent(crew.id(), "Runner");
		JsonNode issue = issue(crew, "Run traced", "\"assignee_id\":\"" + agentId + "\"");
		String issueId = issue.get("id").asString();
		String path = "/api/v1/crews/" + crew.id() + "/issues/TRK-1";
		patch(this.owner, ws(path), "{\"status\":\"TODO\"}");
		assertThat(this.owner.postJson(ws(path + "/start"), "").status()).isEqualTo(200);

		// mission-service's run.started, sent in a trace of its own
		String traceId = traceId();
		String runId = Cuid.next();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", runId);
		data.put("agent_id", agentId);
		data.put("status", "RUNNING");
		data.put("trigger", "issue");
		data.put("issue_id", issueId);
		data.put("started_at", Timestamps.now().toString());
		EventEnvelope started = new EventEnvelope(Cuid.next(), "run.started", this.workspaceId, runId, "mission",
				Timestamps.now(), this.json.valueToTree(data));
		ProducerRecord<String, String> record = new ProducerRecord<>(MISSION_TOPIC, runId,
				this.json.writeValueAsString(started));
		record.headers().add("traceparent", traceParent(traceId).getBytes(StandardCharsets.US_ASCII));
		this.kafka.send(record).join();

		// the projection moves the issue to IN_PROGRESS and publishes issue.started: in
		// that trace
		ConsumerRecord<String, String> issueStarted = records(issueId, "issue.started").get(0);
		assertThat(traceParentOf(issueStarted)).as("traceparent of issue.started").startsWith("00-" + traceId + "-");
	}

}
