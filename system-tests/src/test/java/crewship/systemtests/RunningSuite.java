package crewship.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import crewship.devstack.DevstackConfig;
import crewship.devstack.Log;
import crewship.devstack.Suite;

/**
 * The suite under test, started once per test JVM through the devstack launcher exactly
 * as {@code ./crewship-dev} starts it, but beside any suite a developer is running: its
 * own ports (offset, default +1000), its own throw-away databases and data directory, all
 * removed at exit.
 */
final class RunningSuite {

	private static Suite suite;

	private static Runnable stop;

	static final Path DATA_DIR = Path.of(System.getProperty("crewship.repository", ".."))
		.toAbsolutePath()
		.normalize()
		.resolve("system-tests/target/suite-data");

	static final String DB_PREFIX = "crewship_st_" + UUID.randomUUID().toString().substring(0, 8);

	private RunningSuite() {
	}

	static synchronized Suite get() {
		if (suite == null) {
			suite = start();
		}
		return suite;
	}

	private static Suite start() {
		Own started = launch(DATA_DIR, DATA_DIR.resolveSibling("suite-logs"), DB_PREFIX, Map.of());
		stop = started::close;
		return started.suite();
	}

	/**
	 * A suite of one test's own, for a drill that would break the shared one (fault drill
	 * 3 restarts its database): the same settings, its ports {@value #OWN_PORT_SHIFT}
	 * above the shared suite's (so both may run in one test JVM), its data directory
	 * {@code target/<name>-data}, the given settings on top. Closing it stops it and
	 * removes what it made, its logs kept in {@code target/<name>-logs}.
	 */
	static Own startOwn(String name, Map<String, String> settings) {
		Map<String, String> env = new java.util.HashMap<>(settings);
		int sharedOffset = Integer.parseInt(System.getenv().getOrDefault("CREWSHIP_PORT_OFFSET", "1000"));
		env.putIfAbsent("CREWSHIP_PORT_OFFSET", Integer.toString(sharedOffset + OWN_PORT_SHIFT));
		String prefix = System.getenv().getOrDefault("CREWSHIP_DB_PREFIX", "crewship_" + name.replace('-', '_')) + "_"
				+ UUID.randomUUID().toString().substring(0, 8);
		return launch(DATA_DIR.resolveSibling(name + "-data"), DATA_DIR.resolveSibling(name + "-logs"), prefix, env);
	}

	/** Ports of a test's own suite are this far above the shared suite's. */
	static final int OWN_PORT_SHIFT = 200;

	/** A started suite and how to stop it and remove what it made. */
	record Own(Suite suite, Runnable stop) implements AutoCloseable {

		@Override
		public void close() {
			this.stop.run();
		}

	}

	private static Own launch(Path dataDir, Path logsKept, String dbPrefix, Map<String, String> settings) {
		Path repository = Path.of(System.getProperty("crewship.repository", "..")).toAbsolutePath().normalize();
		deleteRecursively(dataDir);
		Map<String, String> env = new java.util.HashMap<>(System.getenv());
		env.putAll(settings);
		env.put("CREWSHIP_DATA_DIR", dataDir.toString());
		env.put("CREWSHIP_DB_PREFIX", dbPrefix);
		env.put("CREWSHIP_ALLOW_SIGNUP", "true");
		env.put("CREWSHIP_PUBLIC_URL", "https://crewship.test");
		env.putIfAbsent("CREWSHIP_PORT_OFFSET", "1000");
		// One replica of each service unless CREWSHIP_REPLICAS (or the property
		// crewship.systemtests.replicas) says more. The gateway is told of two in any
		// case, so ReplicaDrillSystemTests starts the second ones on this very suite
		// (Suite.startReplicas) rather than a suite of its own. Two from the start
		// costs ~55 s more on a 2-core machine (README, Tests).
		env.putIfAbsent("CREWSHIP_REPLICAS", System.getProperty("crewship.systemtests.replicas", "1"));
		env.putIfAbsent("CREWSHIP_REPLICA_SLOTS", "2");
		// Every test calls from 127.0.0.1, which the production sign-in limit (10/min per
		// address) would soon refuse; the limits themselves are tested in the gateway.
		env.putIfAbsent("CREWSHIP_RATE_LIMIT_AUTH_PER_IP", "10000");
		env.putIfAbsent("CREWSHIP_RATE_LIMIT_PER_IP", "100000");
		env.putIfAbsent("CREWSHIP_RATE_LIMIT_PER_IDENTITY", "100000");
		// the credential test (60/min) and reveal (3/min) buckets are per address: every
		// suite client is 127.0.0.1
		env.putIfAbsent("CREWSHIP_RATE_LIMIT_CREDENTIAL_TEST_PER_IP", "10000");
		env.putIfAbsent("CREWSHIP_RATE_LIMIT_CREDENTIAL_REVEAL_PER_IP", "10000");
		// The durability test streams deliveries to a few agents faster than the
		// per-agent
		// default (60/min); webhook-service's tests cover that limit.
		env.putIfAbsent("CREWSHIP_WEBHOOK_AGENT_RATE_LIMIT_PER_MIN", "100000");
		// the integration tests' MCP server listens on this machine's loopback address,
		// which crew-service's endpoint fence refuses by default
		env.putIfAbsent("CREWSHIP_INTEGRATIONS_ALLOW_PRIVATE_ENDPOINTS", "true");
		Suite started = Suite.start(DevstackConfig.fromEnvironment(repository, env), new Log(System.out));
		return new Own(started, () -> {
			started.close();
			started.dropDatabases();
			keepLogs(dataDir.resolve("logs"), logsKept);
			deleteRecursively(dataDir);
		});
	}

	static synchronized void stop() {
		if (stop != null) {
			stop.run();
			stop = null;
			suite = null;
		}
	}

	/**
	 * Stops the suite when the test run ends, before the JVM exits (Surefire kills a slow
	 * exit).
	 */
	public static class StopAtEnd implements LauncherSessionListener {

		@Override
		public void launcherSessionClosed(LauncherSession session) {
			stop();
		}

	}

	/**
	 * The services' logs outlive the suite (in {@code target/suite-logs}, replaced by the
	 * next run): a CI failure is read from them, not guessed at.
	 */
	private static void keepLogs(Path logs, Path kept) {
		if (!Files.isDirectory(logs)) {
			return;
		}
		deleteRecursively(kept);
		try {
			Files.move(logs, kept);
		}
		catch (IOException ex) {
			System.err.println("Could not keep the suite's logs: " + ex);
		}
	}

	private static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (var paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
