package crewship.platform.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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

/**
 * The real PostgreSQL and the real Kafka broker of a test JVM, started once and shared by every
 * Spring context in it. One switch, {@code crewship.test.infra} (system property) or
 * {@code CREWSHIP_TEST_INFRA}: {@code testcontainers}, {@code local}, or {@code auto} (the default:
 * Testcontainers when a Docker engine answers, else local). Local means a fresh database on the
 * machine's PostgreSQL ({@code CREWSHIP_TEST_DB_URL}, default {@code 127.0.0.1:5432}), dropped when
 * the JVM exits, and one in-process KRaft broker.
 */
public final class TestInfrastructure {

	private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);

	private static final String DB_PREFIX = "crewship_test_";

	private static Endpoints endpoints;

	private TestInfrastructure() {
	}

	/** Where the tests' PostgreSQL database and Kafka broker answer. */
	public record Endpoints(String jdbcUrl, String username, String password, String kafkaBootstrapServers) {
	}

	public static synchronized Endpoints endpoints() {
		if (endpoints == null) {
			endpoints = useTestcontainers() ? startContainers() : startLocal();
		}
		return endpoints;
	}

	private static boolean useTestcontainers() {
		String mode = System.getProperty("crewship.test.infra", System.getenv().getOrDefault("CREWSHIP_TEST_INFRA", "auto"))
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
	private static Endpoints startContainers() {
		PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:16-alpine");
		KafkaContainer kafka = new KafkaContainer("apache/kafka-native:4.1.1");
		postgres.start();
		kafka.start();
		log.info("Tests use Testcontainers: {} and {}", postgres.getJdbcUrl(), kafka.getBootstrapServers());
		return new Endpoints(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword(),
				kafka.getBootstrapServers());
	}

	private static Endpoints startLocal() {
		String serverUrl = System.getenv().getOrDefault("CREWSHIP_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
		String user = System.getenv().getOrDefault("CREWSHIP_TEST_DB_USER", "postgres");
		String password = System.getenv().getOrDefault("CREWSHIP_TEST_DB_PASSWORD", "");
		long pid = ProcessHandle.current().pid();
		String database = DB_PREFIX + pid + "_" + UUID.randomUUID().toString().substring(0, 8);
		try (Connection connection = DriverManager.getConnection(serverUrl, user, password);
				Statement statement = connection.createStatement()) {
			dropLeftovers(statement);
			statement.execute("create database " + database);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Tests need PostgreSQL at " + serverUrl + " (set CREWSHIP_TEST_DB_URL): "
					+ ex.getMessage(), ex);
		}
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
		broker.brokerProperties(Map.of("auto.create.topics.enable", "true", "num.partitions", "3",
				"group.initial.rebalance.delay.ms", "0", "log.flush.interval.messages", "1"));
		broker.afterPropertiesSet();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			broker.destroy();
			drop(serverUrl, user, password, database);
		}, "test-infrastructure-shutdown"));
		String jdbcUrl = serverUrl.substring(0, serverUrl.lastIndexOf('/') + 1) + database;
		log.info("Tests use local PostgreSQL database {} and an in-process KRaft broker at {}", database,
				broker.getBrokersAsString());
		return new Endpoints(jdbcUrl, user, password, broker.getBrokersAsString());
	}

	/** Databases of test JVMs that died before they could drop their own. */
	private static void dropLeftovers(Statement statement) throws SQLException {
		List<String> stale = new ArrayList<>();
		try (ResultSet rs = statement.executeQuery(
				"select datname from pg_database where datname like '" + DB_PREFIX + "%'")) {
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
			Endpoints infra = endpoints();
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("crewshipTestInfrastructure",
						Map.of("spring.datasource.url", infra.jdbcUrl(), "spring.datasource.username",
								infra.username(), "spring.datasource.password", infra.password(),
								"spring.kafka.bootstrap-servers", infra.kafkaBootstrapServers(),
								"crewship.db.create-if-missing", "false")));
		}

	}

}
