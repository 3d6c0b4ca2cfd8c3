package crewship.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the launcher started (the broker or a service): its log file, and an orderly
 * stop.
 */
final class ChildProcess {

	private final String name;

	private final Process process;

	private final Path logFile;

	private ChildProcess(String name, Process process, Path logFile) {
		this.name = name;
		this.process = process;
		this.logFile = logFile;
	}

	static ChildProcess start(String name, List<String> command, Map<String, String> env, Path logFile) {
		return start(name, command, env, logFile, false);
	}

	/**
	 * @param append whether to keep what the log file holds (a restarted process's log
	 * follows its previous run's)
	 */
	static ChildProcess start(String name, List<String> command, Map<String, String> env, Path logFile,
			boolean append) {
		try {
			Files.createDirectories(logFile.getParent());
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(append ? ProcessBuilder.Redirect.appendTo(logFile.toFile())
						: ProcessBuilder.Redirect.to(logFile.toFile()))
				.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
			builder.environment().putAll(env);
			return new ChildProcess(name, builder.start(), logFile);
		}
		catch (IOException ex) {
			throw new DevstackException("Could not start " + name + ": " + ex.getMessage(), ex);
		}
	}

	String name() {
		return this.name;
	}

	long pid() {
		return this.process.pid();
	}

	Path logFile() {
		return this.logFile;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** The exit status (137 after a SIGKILL); only once it has exited. */
	int exitValue() {
		return this.process.exitValue();
	}

	/** Resident memory in KiB, from /proc (0 where unavailable). */
	long residentKib() {
		try {
			return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))
				.stream()
				.filter(line -> line.startsWith("VmRSS:"))
				.map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
				.findFirst()
				.orElse(0L);
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	String tail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.logFile);
			return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	/** SIGTERM (the JVM shuts down gracefully), then SIGKILL after the grace period. */
	void requestStop() {
		this.process.destroy();
	}

	/** SIGKILL, as a crash would end it; returns once it has exited. */
	void kill() {
		try {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void awaitStop(long graceSeconds) {
		try {
			if (!this.process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
