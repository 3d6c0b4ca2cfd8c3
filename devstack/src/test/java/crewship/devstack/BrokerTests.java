package crewship.devstack;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerTests {

	@Test
	void aStoppedBrokerComesBackOnItsPortWithWhatItHadAcknowledged(@TempDir Path dataDir) throws Exception {
		Broker broker = Broker.start(config(dataDir), new Log(new PrintStream(new ByteArrayOutputStream())));
		try {
			produce(broker, "before-stop");
			broker.stop();
			assertThat(broker.isRunning()).isFalse();
			assertThat(Ports.answers("127.0.0.1", port(broker), Duration.ofMillis(500))).isFalse();

			broker.start();
			assertThat(broker.isRunning()).isTrue();
			produce(broker, "after-restart");
			assertThat(consumeAll(broker)).containsExactly("before-stop", "after-restart");

			broker.kill();
			broker.start();
			assertThat(consumeAll(broker)).as("after a crash too").containsExactly("before-stop", "after-restart");
		}
		finally {
			broker.stop();
		}
	}

	/** Broker and controller ports (9092/9093 shifted) that are both free now. */
	private static DevstackConfig config(Path dataDir) throws Exception {
		for (int attempt = 0; attempt < 20; attempt++) {
			int port;
			try (ServerSocket probe = new ServerSocket(0)) {
				port = probe.getLocalPort();
			}
			if (port > 9092 && port < 65535 && Ports.isFree(port + 1)) {
				return DevstackConfig.fromEnvironment(Path.of(".."), Map.of("CREWSHIP_DATA_DIR", dataDir.toString(),
						"CREWSHIP_PORT_OFFSET", Integer.toString(port - 9092)));
			}
		}
		throw new IllegalStateException("no two free ports in a row");
	}

	private static int port(Broker broker) {
		return Integer.parseInt(broker.bootstrapServers().substring(broker.bootstrapServers().indexOf(':') + 1));
	}

	private static void produce(Broker broker, String value) throws Exception {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map
			.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
				new StringSerializer(), new StringSerializer())) {
			producer.send(new ProducerRecord<>("restarts", 0, null, value)).get();
		}
	}

	private static List<String> consumeAll(Broker broker) {
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringDeserializer(),
				new StringDeserializer())) {
			TopicPartition partition = new TopicPartition("restarts", 0);
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
			List<String> values = new java.util.ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (consumer.position(partition) < end && System.nanoTime() < deadline) {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					values.add(record.value());
				}
			}
			return values;
		}
	}

}
