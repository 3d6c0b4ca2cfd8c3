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

	static final String USAGE = "Usage: ./crewship-dev [--profile fast-start|throughput] [--replicas N]";

	/**
	 * {@code --profile fast-start|throughput} overrides {@code CREWSHIP_PROFILE},
	 * {@code --replicas N} {@code CREWSHIP_REPLICAS}.
	 */
	static DevstackConfig withArguments(DevstackConfig config, String[] args) {
		DevstackConfig result = config;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
			if (!option.equals("--profile") && !option.equals("--replicas")) {
				throw new DevstackException("Unknown argument '" + arg + "'. " + USAGE);
			}
			String value;
			if (arg.contains("=")) {
				value = arg.substring(arg.indexOf('=') + 1);
			}
			else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
				value = args[++i];
			}
			else {
				throw new DevstackException("'" + arg + "' needs a value. " + USAGE);
			}
			switch (option) {
				case "--profile" -> result = result.withProfile(JvmProfile.parse(value),
						System.getenv("CREWSHIP_SERVICE_HEAP") != null);
				case "--replicas" -> result = result.withReplicas(DevstackConfig.replicas(value));
				default -> throw new IllegalStateException(option);
			}
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
		log.step("JVM profile: " + config.profile() + " (service heap " + config.serviceHeap() + "), "
				+ config.replicas() + " replica(s) of every service");
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
			// the supervisor restarts what dies and logs it; the table is shown
			// again with the new pids and restart counts
			long restartsShown = 0;
			while (!stopped.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
				long restarts = suite.totalRestarts();
				if (restarts != restartsShown) {
					restartsShown = restarts;
					log.out().print(suite.table());
				}
			}
		}
		catch (DevstackException ex) {
			System.err.println();
			System.err.println("crewship-dev: " + ex.getMessage());
			System.exit(1);
		}
	}

}
