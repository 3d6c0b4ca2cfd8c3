package crewship.devstack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./crewship-dev}: starts the whole suite, prints where everything is, and stops
 * it all on Ctrl-C or SIGTERM.
 */
public final class Devstack {

	private Devstack() {
	}

	/** {@code --profile fast-start|throughput} overrides {@code CREWSHIP_PROFILE}. */
	static DevstackConfig withArguments(DevstackConfig config, String[] args) {
		DevstackConfig result = config;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			String value = null;
			if (arg.equals("--profile") && i + 1 < args.length) {
				value = args[++i];
			}
			else if (arg.startsWith("--profile=")) {
				value = arg.substring("--profile=".length());
			}
			else {
				throw new DevstackException(
						"Unknown argument '" + arg + "'. Usage: ./crewship-dev [--profile fast-start|throughput]");
			}
			result = result.withProfile(JvmProfile.parse(value), System.getenv("CREWSHIP_SERVICE_HEAP") != null);
		}
		return result;
	}

	public static void main(String[] args) throws InterruptedException {
		Path repository = Path.of(System.getProperty("crewship.repository", "."));
		DevstackConfig config;
		try {
			config = withArguments(DevstackConfig.fromEnvironment(repository, System.getenv()), args);
		}
		catch (DevstackException ex) {
			System.err.println("crewship-dev: " + ex.getMessage());
			System.exit(2);
			return;
		}
		Log log = new Log(System.out);
		log.step("JVM profile: " + config.profile() + " (service heap " + config.serviceHeap() + ")");
		CountDownLatch stopped = new CountDownLatch(1);
		Suite[] running = new Suite[1];
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			Suite suite = running[0];
			if (suite != null) {
				log.step("Stopping the suite");
				suite.close();
				log.step("Stopped; nothing left running");
			}
			stopped.countDown();
		}, "devstack-stop"));
		try {
			Suite suite = Suite.start(config, log);
			running[0] = suite;
			log.out().println();
			log.out().print(suite.table());
			log.out()
				.printf("The suite is up in %.1f s. Gateway: %s (try %s/api/health). Ctrl-C stops everything.%n",
						log.elapsed().toMillis() / 1000.0, suite.gatewayUrl(), suite.gatewayUrl());
			java.util.Set<String> reported = new java.util.HashSet<>();
			while (!stopped.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
				suite.deadProcesses()
					.stream()
					.filter(reported::add)
					.forEach(name -> log.warn(name + " has exited; see its log"));
			}
		}
		catch (DevstackException ex) {
			System.err.println();
			System.err.println("crewship-dev: " + ex.getMessage());
			System.exit(1);
		}
	}

}
