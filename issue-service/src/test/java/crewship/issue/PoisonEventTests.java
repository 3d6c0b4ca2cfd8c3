package crewship.issue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.platform.events.DeadLetterAutoConfiguration;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record a consumer cannot apply does not stop it: the crew directory meets unreadable
 * JSON on crew-service's topic, puts it on {@code crewship.crew.v1.dlt} with the reason,
 * counts it, and goes on to apply the crew announced right after it.
 */
class PoisonEventTests extends IssueTestSupport {

	@Autowired
	MeterRegistry meters;

	@Test
	void aPoisonRecordIsDeadLetteredAndTheConsumerGoesOn() {
		String poisonKey = Cuid.next();
		double before = deadLetters();
		this.kafka.send(CREW_TOPIC, poisonKey, "{\"id\": \"not json at all").join();
		Crew crew = crew("PSN");
		assertThat(this.crews.crew(this.workspaceId, crew.id())).as("the next crew is applied").isPresent();

		String deadLetterTopic = DeadLetterAutoConfiguration.deadLetterTopic(CREW_TOPIC);
		List<ConsumerRecord<String, String>> dead = TestKafka
			.readUntil(deadLetterTopic, read -> read.stream().anyMatch(r -> poisonKey.equals(r.key())),
					Duration.ofSeconds(30))
			.stream()
			.filter(r -> poisonKey.equals(r.key()))
			.toList();
		// once per consumer group that read it (issue-service has more than one on the
		// topic)
		assertThat(dead).isNotEmpty();
		assertThat(dead).allSatisfy(record -> {
			assertThat(record.value()).isEqualTo("{\"id\": \"not json at all");
			assertThat(header(record, "kafka_dlt-exception-message")).isNotBlank();
			assertThat(header(record, "kafka_dlt-original-consumer-group")).startsWith("issue-service");
		});
		assertThat(dead.stream().map(record -> header(record, "kafka_dlt-original-consumer-group")).distinct())
			.as("each group dead-letters it once")
			.hasSize(dead.size());
		assertThat(deadLetters()).isGreaterThan(before);
	}

	private static String header(ConsumerRecord<String, String> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private double deadLetters() {
		var counter = this.meters.find("crewship.kafka.dead_letters").tag("topic", CREW_TOPIC).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
