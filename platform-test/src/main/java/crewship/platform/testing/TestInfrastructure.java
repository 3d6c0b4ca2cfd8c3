package crewship.platform.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.util.ClassUtils;

/**
 * The real PostgreSQL and the real Kafka broker of a test JVM, started once and shared by
 * every Spring context in it. One switch, {@code crewship.test.infra} (system property)
 * or {@code CREWSHIP_TEST_INFRA}: {@code testcontainers}, {@code local}, or {@code auto}
 * (the default: Testcontainers when a Docker engine answers, else local). Local means a
 * fresh database on the machine's PostgreSQL ({@code CREWSHIP_TEST_DB_URL}, default
 * {@code 127.0.0.1:5432}), dropped when the JVM exits, and one in-process KRaft broker.
 */
public final class TestInfrastructure {

	private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);

	private static final String DB_PREFIX = "crewship_test_";

	private static Database database;

	private static String kafkaBootstrapServers;

	private TestInfrastructure() {
	}

	/** The tests' PostgreSQL database. */
	public record Database(String jdbcUrl, String username, String password) {
	}

	public static synchronized Database database() {
		if (database == null) {
			database = useTestcontainers() ? startPostgresContainer() : createLocalDatabase();
		}
		return database;
	}

	/** The tests' Kafka broker. */
	public static synchronized String kafkaBootstrapServers() {
		if (kafkaBootstrapServers == null) {
			kafkaBootstrapServers = useTestcontainers() ? startKafkaContainer() : startEmbeddedBroker();
		}
		return kafkaBootstrapServers;
	}

	private static boolean useTestcontainers() {
		String mode = System
			.getProperty("crewship.test.infra", System.getenv().getOrDefault("CREWSHIP_TEST_INFRA", "auto"))
			.toLowerCase(Locale.ROOT);
		return switch (mode) {
			case "testcontainers" -> true;
			case "local" -> false;
			default -> dockerAnswers();
		};
	}

	private static boolean dockerAnswers() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	@SuppressWarnings("resource")
	private static Database startPostgresContainer() {
		PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:16-alpine");
		postgres.start();
		log.info("Tests use a PostgreSQL container at {}", postgres.getJdbcUrl());
		return new Database(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword());
	}

	@SuppressWarnings("resource")
	private static String startKafkaContainer() {
		KafkaContainer kafka = new KafkaContainer("apache/kafka-native:4.1.1");
		kafka.start();
		log.info("Tests use a Kafka container at {}", kafka.getBootstrapServers());
		return kafka.getBootstrapServers();
	}

	private static Database createLocalDatabase() {
		String serverUrl = System.getenv()
			.getOrDefault("CREWSHIP_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
		String user = System.getenv().getOrDefault("CREWSHIP_TEST_DB_USER", "postgres");
		String password = System.getenv().getOrDefault("CREWSHIP_TEST_DB_PASSWORD", "");
		long pid = ProcessHandle.current().pid();
		String name = DB_PREFIX + pid + "_" + UUID.randomUUID().toString().substring(0, 8);
		try (Connection connection = DriverManager.getConnection(serverUrl, user, password);
				Statement statement = connection.createStatement()) {
			dropLeftovers(statement);
			statement.execute("create database " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(
					"Tests need PostgreSQL at " + serverUrl + " (set CREWSHIP_TEST_DB_URL): " + ex.getMessage(), ex);
		}
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> drop(serverUrl, user, password, name), "test-database-drop"));
		log.info("Tests use local PostgreSQL database {}", name);
		return new Database(serverUrl.substring(0, serverUrl.lastIndexOf('/') + 1) + name, user, password);
	}

	private static String startEmbeddedBroker() {
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
		broker.brokerProperties(Map.of("auto.create.topics.enable", "true", "num.partitions", "3",
				"group.initial.rebalance.delay.ms", "0"));
		broker.afterPropertiesSet();
		Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "test-broker-stop"));
		log.info("Tests use an in-process KRaft broker at {}", broker.getBrokersAsString());
		return broker.getBrokersAsString();
	}

	/** Databases of test JVMs that died before they could drop their own. */
	private static void dropLeftovers(Statement statement) throws SQLException {
		List<String> stale = new ArrayList<>();
		try (ResultSet rs = statement
			.executeQuery("select datname from pg_database where datname like '" + DB_PREFIX + "%'")) {
			while (rs.next()) {
				String name = rs.getString(1);
				String[] parts = name.substring(DB_PREFIX.length()).split("_");
				try {
					if (ProcessHandle.of(Long.parseLong(parts[0])).isEmpty()) {
						stale.add(name);
					}
				}
				catch (NumberFormatException ex) {
					// not one of ours
				}
			}
		}
		for (String name : stale) {
			statement.execute("drop database if exists " + name + " with (force)");
		}
	}

	private static void drop(String serverUrl, String user, String password, String database) {
		try (Connection connection = DriverManager.getConnection(serverUrl, user, password);
				Statement statement = connection.createStatement()) {
			statement.execute("drop database if exists " + database + " with (force)");
		}
		catch (SQLException ex) {
			log.warn("Could not drop test database {}: {}", database, ex.getMessage());
		}
	}

	/** Points a Spring test context at the shared database and broker. */
	public static class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			Map<String, Object> properties = new HashMap<>();
			properties.put("spring.kafka.bootstrap-servers", kafkaBootstrapServers());
			if (ClassUtils.isPresent("org.postgresql.Driver", context.getClassLoader())) {
				Database db = database();
				properties.put("spring.datasource.url", db.jdbcUrl());
				properties.put("spring.datasource.username", db.username());
				properties.put("spring.datasource.password", db.password());
				properties.put("crewship.db.create-if-missing", "false");
			}
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("crewshipTestInfrastructure", properties));
		}

	}

}
