package crewship.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the launcher reads from the environment, with the defaults of a laptop.
 *
 * @param repository the checkout whose built jars are run
 * @param dataDir where all state lives and survives restarts ({@code CREWSHIP_DATA_DIR})
 * @param dbUrl an external PostgreSQL ({@code CREWSHIP_DB_URL},
 * {@code jdbc:postgresql://host:port}); null to probe localhost:5432 and fall back to
 * embedded binaries
 * @param dbEmbedded always run the embedded PostgreSQL, on its own port (5433 plus the
 * offset), whatever answers on 5432 or {@code CREWSHIP_DB_URL} says
 * ({@code CREWSHIP_DB_EMBEDDED=true}): a suite whose server a fault drill may stop
 * without touching a server others share
 * @param dbUser PostgreSQL user ({@code CREWSHIP_DB_USER}, default postgres)
 * @param dbPassword PostgreSQL password ({@code CREWSHIP_DB_PASSWORD}, default empty)
 * @param dbPrefix prefix of the per-service database names ({@code CREWSHIP_DB_PREFIX},
 * default crewship)
 * @param kafkaBootstrapServers an external broker ({@code KAFKA_BOOTSTRAP_SERVERS}); null
 * to run one
 * @param portOffset added to every port ({@code CREWSHIP_PORT_OFFSET}), to run a second
 * suite beside the first
 * @param serviceHeap the heap of each service JVM ({@code CREWSHIP_SERVICE_HEAP}, default
 * the profile's: 192m fast-start, 1g throughput)
 * @param profile how service JVMs run ({@code CREWSHIP_PROFILE} or {@code --profile}:
 * {@code fast-start}, the default, or {@code throughput})
 * @param replicas how many of each service to run ({@code CREWSHIP_REPLICAS} or
 * {@code --replicas}, 1 to {@value #MAX_REPLICAS}, default 1); the gateway balances
 * across them
 * @param replicaSlots how many replicas of each service the gateway is told of
 * ({@code CREWSHIP_REPLICA_SLOTS}, default {@code replicas}): those beyond
 * {@code replicas} are started later, by {@link Suite#startReplicas(int)} (tests that
 * need two of each on a suite started with one); until then the gateway finds them not
 * answering and leaves them out of its rotation
 * @param passThrough every other {@code CREWSHIP_*} setting given, handed to each service
 * (e.g. {@code CREWSHIP_ALLOW_SIGNUP})
 */
public record DevstackConfig(Path repository, Path dataDir, String dbUrl, boolean dbEmbedded, String dbUser,
		String dbPassword, String dbPrefix, String kafkaBootstrapServers, int portOffset, String serviceHeap,
		JvmProfile profile, int replicas, int replicaSlots, Map<String, String> passThrough) {

	/**
	 * Replica {@code r} of a service listens {@code r × 10} above the service's port
	 * (crew-service 8102, 8112, 8122, 8132): four fit below the ports tests give extra
	 * gateways (shifted 40 and more).
	 */
	public static final int MAX_REPLICAS = 4;

	public DevstackConfig {
		if (replicas < 1 || replicas > MAX_REPLICAS) {
			throw new DevstackException(
					"Replicas must be 1 to " + MAX_REPLICAS + " (CREWSHIP_REPLICAS or --replicas), not " + replicas);
		}
		replicaSlots = Math.max(replicas, replicaSlots);
		if (replicaSlots > MAX_REPLICAS) {
			throw new DevstackException("CREWSHIP_REPLICA_SLOTS must be at most " + MAX_REPLICAS);
		}
	}

	public static DevstackConfig fromEnvironment(Path repository, Map<String, String> env) {
		JvmProfile profile = JvmProfile.parse(env.get("CREWSHIP_PROFILE"));
		String heap = blankToNull(env.get("CREWSHIP_SERVICE_HEAP"));
		return new DevstackConfig(repository.toAbsolutePath().normalize(), dataDir(env),
				blankToNull(env.get("CREWSHIP_DB_URL")), Boolean.parseBoolean(env.get("CREWSHIP_DB_EMBEDDED")),
				env.getOrDefault("CREWSHIP_DB_USER", "postgres"), env.getOrDefault("CREWSHIP_DB_PASSWORD", ""),
				env.getOrDefault("CREWSHIP_DB_PREFIX", "crewship"), blankToNull(env.get("KAFKA_BOOTSTRAP_SERVERS")),
				Integer.parseInt(env.getOrDefault("CREWSHIP_PORT_OFFSET", "0")),
				(heap != null) ? heap : profile.defaultHeap(), profile, replicas(env.get("CREWSHIP_REPLICAS")),
				replicas(env.get("CREWSHIP_REPLICA_SLOTS")), settingsForServices(env));
	}

	/** The same settings with another JVM profile (and that profile's default heap). */
	public DevstackConfig withProfile(JvmProfile other, boolean heapWasSet) {
		return new DevstackConfig(this.repository, this.dataDir, this.dbUrl, this.dbEmbedded, this.dbUser,
				this.dbPassword, this.dbPrefix, this.kafkaBootstrapServers, this.portOffset,
				heapWasSet ? this.serviceHeap : other.defaultHeap(), other, this.replicas, this.replicaSlots,
				this.passThrough);
	}

	/** The same settings with {@code count} replicas of every service. */
	public DevstackConfig withReplicas(int count) {
		return new DevstackConfig(this.repository, this.dataDir, this.dbUrl, this.dbEmbedded, this.dbUser,
				this.dbPassword, this.dbPrefix, this.kafkaBootstrapServers, this.portOffset, this.serviceHeap,
				this.profile, count, this.replicaSlots, this.passThrough);
	}

	static int replicas(String value) {
		if (value == null || value.isBlank()) {
			return 1;
		}
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new DevstackException(
					"Replicas must be a number from 1 to " + MAX_REPLICAS + ", not '" + value + "'");
		}
	}

	private static Map<String, String> settingsForServices(Map<String, String> env) {
		Map<String, String> settings = new java.util.TreeMap<>();
		env.forEach((name, value) -> {
			if (name.startsWith("CREWSHIP_") && !LAUNCHER_SETTINGS.contains(name)) {
				settings.put(name, value);
			}
		});
		return Map.copyOf(settings);
	}

	/**
	 * The launcher's own settings; the services get theirs from it, never these directly.
	 */
	private static final java.util.Set<String> LAUNCHER_SETTINGS = java.util.Set.of("CREWSHIP_DATA_DIR",
			"CREWSHIP_DB_URL", "CREWSHIP_DB_EMBEDDED", "CREWSHIP_DB_USER", "CREWSHIP_DB_PASSWORD", "CREWSHIP_DB_PREFIX",
			"CREWSHIP_PORT_OFFSET", "CREWSHIP_SERVICE_HEAP", "CREWSHIP_PROFILE", "CREWSHIP_REPLICAS",
			"CREWSHIP_REPLICA_SLOTS");

	/**
	 * {@code ~/.crewship}; for root {@code /var/lib/crewship}, because embedded
	 * PostgreSQL refuses to run as root and its unprivileged user cannot enter
	 * {@code /root}.
	 */
	private static Path dataDir(Map<String, String> env) {
		String configured = blankToNull(env.get("CREWSHIP_DATA_DIR"));
		if (configured != null) {
			return Path.of(configured).toAbsolutePath().normalize();
		}
		if ("root".equals(System.getProperty("user.name")) && Files.isDirectory(Path.of("/var/lib"))) {
			return Path.of("/var/lib/crewship");
		}
		return Path.of(System.getProperty("user.home"), ".crewship");
	}

	public int port(int base) {
		return base + this.portOffset;
	}

	public Path logs() {
		return this.dataDir.resolve("logs");
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
