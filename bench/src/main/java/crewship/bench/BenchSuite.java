package crewship.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import crewship.devstack.DevstackConfig;
import crewship.devstack.Log;
import crewship.devstack.Suite;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every benchmark shares: its own suite through the devstack launcher (ports shifted
 * by {@code CREWSHIP_PORT_OFFSET}, default 2000; throw-away databases
 * {@code crewship_bench_*} and data directory, removed at the end) and reading answers.
 */
final class BenchSuite {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** Lifts a limit for the run: what is measured is the work, never a refusal. */
	static final String UNLIMITED = "1000000000";

	/** What a benchmark does with its running suite. */
	interface Body {

		void run(Suite suite, Path dataDir) throws Exception;

	}

	private BenchSuite() {
	}

	/**
	 * Starts a suite with {@code environment} on top of this process's, runs the body,
	 * removes everything and exits.
	 * @param dataDirName the data directory under {@code bench/target}
	 */
	static void run(String dataDirName, Map<String, String> environment, Body body) throws Exception {
		Path repository = Path.of(System.getProperty("crewship.repository", ".")).toAbsolutePath().normalize();
		Path dataDir = repository.resolve("bench/target").resolve(dataDirName);
		deleteRecursively(dataDir);
		Map<String, String> env = new HashMap<>(System.getenv());
		env.put("CREWSHIP_DATA_DIR", dataDir.toString());
		env.put("CREWSHIP_DB_PREFIX", "crewship_bench_" + UUID.randomUUID().toString().substring(0, 8));
		env.putIfAbsent("CREWSHIP_PORT_OFFSET", "2000");
		// measured as production runs it (C2, G1, a real heap), never devstack's fast
		// start
		env.putIfAbsent("CREWSHIP_PROFILE", "throughput");
		env.putAll(environment);
		Suite suite = Suite.startThrowAway(DevstackConfig.fromEnvironment(repository, env), new Log(System.out));
		try {
			body.run(suite, dataDir);
		}
		finally {
			suite.close();
			suite.dropDatabases();
			// -Dbench.keep-logs=true: the services' logs stay, beside the data directory
			if (Boolean.getBoolean("bench.keep-logs")) {
				Path kept = dataDir.resolveSibling(dataDirName + "-logs");
				deleteRecursively(kept);
				java.nio.file.Files.move(dataDir.resolve("logs"), kept);
			}
			deleteRecursively(dataDir);
		}
		System.exit(0);
	}

	/** The suite's JVM running that component's jar (a child of this process). */
	static long pidOf(String component) {
		String jar = "/" + component + "/target/" + component + "-";
		return ProcessHandle.current()
			.descendants()
			.filter(process -> process.info().commandLine().map(line -> line.contains(jar)).orElse(false))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No " + component + " process"))
			.pid();
	}

	/** The body of a 2xx answer; anything else ends the benchmark with what was asked. */
	static JsonNode json(HttpResponse<String> response) {
		if (response.statusCode() / 100 != 2) {
			throw new IllegalStateException(
					response.request().uri() + ": " + response.statusCode() + " " + response.body());
		}
		return JSON.readTree(response.body());
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
