package crewship.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real Kafka broker in KRaft mode (combined broker and controller), run as its own JVM
 * from the Kafka jars on the launcher's class path, with its log directories under the
 * data directory.
 */
final class KafkaBroker {

	private KafkaBroker() {
	}

	/**
	 * Starts the broker on the data directory's log directories (formatted on first use).
	 * @param restart whether it ran before in this suite (its log is then appended to)
	 */
	static ChildProcess start(DevstackConfig config, Log log, boolean restart) {
		int port = config.port(9092);
		int controllerPort = config.port(9093);
		Ports.requireFree(port, "Kafka broker");
		Ports.requireFree(controllerPort, "Kafka controller");
		Path dir = config.dataDir().resolve("kafka");
		Path properties = dir.resolve("server.properties");
		try {
			Files.createDirectories(dir);
			Files.writeString(properties, String.join("\n", "process.roles=broker,controller", "node.id=1",
					"controller.quorum.voters=1@127.0.0.1:" + controllerPort,
					"listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
					"advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
					"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
					"log.dirs=" + dir.resolve("logs"), "num.partitions=3", "offsets.topic.replication.factor=1",
					"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
					"share.coordinator.state.topic.replication.factor=1", "share.coordinator.state.topic.min.isr=1",
					"group.initial.rebalance.delay.ms=0", "auto.create.topics.enable=true",
					// one node: nothing to hand leadership to, so a controlled shutdown
					// only waits
					"controlled.shutdown.enable=false", "") + "\n");
			Files.writeString(dir.resolve("log4j2.properties"),
					String.join("\n", "rootLogger.level=INFO", "rootLogger.appenderRef.stdout.ref=STDOUT",
							"appender.stdout.type=Console", "appender.stdout.name=STDOUT",
							"appender.stdout.layout.type=PatternLayout",
							"appender.stdout.layout.pattern=[%d] %p %m (%c)%n", "logger.kafka.name=kafka",
							"logger.kafka.level=WARN", "logger.apache.name=org.apache.kafka",
							"logger.apache.level=WARN", "") + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (!Files.exists(dir.resolve("logs/meta.properties"))) {
			format(dir, properties, config);
		}
		ChildProcess broker = ChildProcess.start("kafka", kafkaJvm(config, dir, "kafka.Kafka", properties.toString()),
				Map.of(), config.logs().resolve("kafka.log"), restart);
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!Ports.answers("127.0.0.1", port, Duration.ofMillis(500))) {
			if (!broker.isAlive() || System.nanoTime() > deadline) {
				throw new DevstackException(
						"The Kafka broker did not start; last lines of " + broker.logFile() + ":\n" + broker.tail(20));
			}
			sleep(200);
		}
		log.step("Kafka: broker (KRaft) listening on 127.0.0.1:" + port);
		return broker;
	}

	private static void format(Path dir, Path properties, DevstackConfig config) {
		List<String> command = kafkaJvm(config, dir, "kafka.tools.StorageTool", "format", "-t", clusterId(), "-c",
				properties.toString());
		ChildProcess formatting = ChildProcess.start("kafka-storage", command, Map.of(),
				config.logs().resolve("kafka-format.log"));
		formatting.awaitStop(60);
		if (!Files.exists(dir.resolve("logs/meta.properties"))) {
			throw new DevstackException("Could not format Kafka storage:\n" + formatting.tail(20));
		}
	}

	/**
	 * A random Kafka cluster id (22 characters of URL-safe base64 from a UUID). One that
	 * starts with '-' would be read as an option by kafka-storage (1 start in 64 failed
	 * that way), so such ids are drawn again — as Kafka's own {@code Uuid} does.
	 */
	static String clusterId() {
		String id;
		do {
			UUID uuid = UUID.randomUUID();
			java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
			bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
			id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
		}
		while (id.startsWith("-"));
		return id;
	}

	private static List<String> kafkaJvm(DevstackConfig config, Path dir, String mainClass, String... args) {
		// the broker runs like the services: fast to start, or with production settings
		List<String> jvm = (config.profile() == JvmProfile.THROUGHPUT) ? List.of("-Xms512m", "-Xmx1g", "-XX:+UseG1GC")
				: List.of("-Xms128m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.addAll(jvm);
		command.addAll(List.of("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"), "-cp",
				brokerClasspath(config), mainClass));
		command.addAll(List.of(args));
		return command;
	}

	/**
	 * The devstack module's runtime class path (Kafka and its logging), written by its
	 * build; the launcher's own class path only when run without it. A test JVM's class
	 * path would mix in other logging bindings.
	 */
	private static String brokerClasspath(DevstackConfig config) {
		Path file = config.repository().resolve("devstack/target/classpath.txt");
		try {
			return Files.exists(file) ? Files.readString(file).trim() : System.getProperty("java.class.path");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DevstackException("Interrupted", ex);
		}
	}

}
