package crewship.devstack;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevstackConfigTests {

	@Test
	void environmentOverridesDefaults() {
		DevstackConfig config = DevstackConfig.fromEnvironment(Path.of("."),
				Map.of("CREWSHIP_DATA_DIR", "/tmp/x", "CREWSHIP_PORT_OFFSET", "1000", "KAFKA_BOOTSTRAP_SERVERS",
						"broker:9092", "CREWSHIP_DB_URL", "jdbc:postgresql://db:5432", "CREWSHIP_DB_PREFIX", "st",
						"CREWSHIP_ALLOW_SIGNUP", "true"));
		assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/x"));
		assertThat(config.port(8080)).isEqualTo(9080);
		assertThat(config.kafkaBootstrapServers()).isEqualTo("broker:9092");
		assertThat(config.dbUrl()).isEqualTo("jdbc:postgresql://db:5432");
		assertThat(config.dbPrefix()).isEqualTo("st");
		assertThat(config.passThrough()).containsEntry("CREWSHIP_ALLOW_SIGNUP", "true")
			.doesNotContainKeys("CREWSHIP_DATA_DIR", "CREWSHIP_DB_URL", "CREWSHIP_PORT_OFFSET");
	}

	@Test
	void defaultsNeedNoEnvironment() {
		DevstackConfig config = DevstackConfig.fromEnvironment(Path.of("."), Map.of());
		assertThat(config.port(8080)).isEqualTo(8080);
		assertThat(config.kafkaBootstrapServers()).isNull();
		assertThat(config.dbUrl()).isNull();
		assertThat(config.dbPrefix()).isEqualTo("crewship");
		assertThat(config.dataDir().toString()).endsWith("crewship");
		assertThat(config.dbEmbedded()).isFalse();
	}

	@Test
	void embeddedPostgresCanBeForcedAndIsTheLaunchersSettingNotTheServices() {
		DevstackConfig config = DevstackConfig.fromEnvironment(Path.of("."),
				Map.of("CREWSHIP_DB_EMBEDDED", "true", "CREWSHIP_PORT_OFFSET", "3000"));
		assertThat(config.dbEmbedded()).isTrue();
		assertThat(config.port(5433)).isEqualTo(8433);
		assertThat(config.passThrough()).doesNotContainKey("CREWSHIP_DB_EMBEDDED");
		assertThat(config.withReplicas(2).dbEmbedded()).isTrue();
	}

	@Test
	void theFastStartProfileIsTheDefaultAndThroughputRunsServicesLikeProduction() {
		DevstackConfig fast = DevstackConfig.fromEnvironment(Path.of("."), Map.of());
		assertThat(fast.profile()).isEqualTo(JvmProfile.FAST_START);
		assertThat(fast.serviceHeap()).isEqualTo("192m");
		assertThat(fast.profile().options(fast.serviceHeap(), Path.of("a.jsa"))).contains("-XX:TieredStopAtLevel=1",
				"-XX:+UseSerialGC", "-Xmx192m");

		DevstackConfig throughput = DevstackConfig.fromEnvironment(Path.of("."),
				Map.of("CREWSHIP_PROFILE", "throughput"));
		assertThat(throughput.serviceHeap()).isEqualTo("1g");
		assertThat(throughput.profile().options(throughput.serviceHeap(), Path.of("a.jsa")))
			.contains("-XX:+UseG1GC", "-Xmx1g")
			.doesNotContain("-XX:TieredStopAtLevel=1", "-Xss512k");
		assertThat(throughput.passThrough()).doesNotContainKey("CREWSHIP_PROFILE");

		// --profile overrides the environment; an explicit heap stays
		DevstackConfig fromFlag = Devstack.withArguments(
				DevstackConfig.fromEnvironment(Path.of("."), Map.of("CREWSHIP_SERVICE_HEAP", "512m")),
				new String[] { "--profile", "throughput" });
		assertThat(fromFlag.profile()).isEqualTo(JvmProfile.THROUGHPUT);
		assertThatThrownBy(() -> Devstack.withArguments(fast, new String[] { "--profile", "turbo" }))
			.isInstanceOf(DevstackException.class)
			.hasMessageContaining("fast-start");
		assertThatThrownBy(() -> Devstack.withArguments(fast, new String[] { "--replicas" }))
			.isInstanceOf(DevstackException.class)
			.hasMessageContaining("Usage");
	}

	@Test
	void replicasComeFromTheEnvironmentOrTheFlagWithinBounds() {
		assertThat(DevstackConfig.fromEnvironment(Path.of("."), Map.of()).replicas()).isEqualTo(1);
		DevstackConfig two = DevstackConfig.fromEnvironment(Path.of("."), Map.of("CREWSHIP_REPLICAS", "2"));
		assertThat(two.replicas()).isEqualTo(2);
		assertThat(two.passThrough()).doesNotContainKey("CREWSHIP_REPLICAS");
		assertThat(Devstack.withArguments(two, new String[] { "--replicas", "3" }).replicas()).isEqualTo(3);
		assertThat(Devstack.withArguments(two, new String[] { "--replicas=4", "--profile=throughput" }).replicas())
			.isEqualTo(4);
		assertThatThrownBy(() -> Devstack.withArguments(two, new String[] { "--replicas", "5" }))
			.isInstanceOf(DevstackException.class)
			.hasMessageContaining("1 to 4");
		assertThatThrownBy(() -> Devstack.withArguments(two, new String[] { "--replicas", "many" }))
			.isInstanceOf(DevstackException.class)
			.hasMessageContaining("number");
		assertThatThrownBy(() -> Devstack.withArguments(two, new String[] { "--verbose" }))
			.isInstanceOf(DevstackException.class)
			.hasMessageContaining("Usage: ./crewship-dev [--profile fast-start|throughput] [--replicas N]");
	}

	@Test
	void takenPortIsNamedWithItsOwner() throws Exception {
		try (ServerSocket taken = new ServerSocket(0)) {
			assertThatThrownBy(() -> Ports.requireFree(taken.getLocalPort(), "gateway"))
				.isInstanceOf(DevstackException.class)
				.hasMessageContaining("Port " + taken.getLocalPort() + " (gateway) is already in use");
		}
	}

}
