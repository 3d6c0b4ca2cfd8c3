package crewship.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps the suite's JVMs running, as Kubernetes keeps a pod's containers: one that exits
 * while the suite runs is started again after a back-off (1 s, doubling to 30 s; back to
 * 1 s once a run lasted a minute), and each exit and restart is logged. The Kafka broker
 * is not watched: failure tests stop it on purpose.
 */
final class Supervisor implements AutoCloseable {

	static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

	static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

	/** A run at least this long counts as healthy: the next exit backs off 1 s again. */
	static final Duration HEALTHY_RUN = Duration.ofMinutes(1);

	private static final long CHECK_EVERY_MILLIS = 200;

	/** A JVM of the suite: how to start it, the process running now, its restarts. */
	static final class Supervised {

		private final String name;

		private final List<String> command;

		private final Map<String, String> env;

		private final Path logFile;

		private volatile ChildProcess process;

		private volatile int restarts;

		private volatile long startedAt = System.nanoTime();

		private volatile Duration backoff = FIRST_BACKOFF;

		/** When the exited process is started again; 0 while it runs. */
		private volatile long restartAt;

		Supervised(String name, List<String> command, Map<String, String> env, Path logFile) {
			this.name = name;
			this.command = List.copyOf(command);
			this.env = Map.copyOf(env);
			this.logFile = logFile;
			this.process = ChildProcess.start(name, command, env, logFile);
		}

		String name() {
			return this.name;
		}

		ChildProcess process() {
			return this.process;
		}

		int restarts() {
			return this.restarts;
		}

	}

	private final Log log;

	private final List<Supervised> watched = new CopyOnWriteArrayList<>();

	private volatile boolean stopped;

	private Thread thread;

	Supervisor(Log log) {
		this.log = log;
	}

	void watch(Supervised supervised) {
		this.watched.add(supervised);
	}

	/**
	 * Starts watching (once the suite is up: a JVM that fails to start fails the start).
	 */
	synchronized void start() {
		if (this.thread == null && !this.stopped) {
			this.thread = Thread.ofPlatform().daemon().name("devstack-supervisor").start(this::run);
		}
	}

	boolean isRunning() {
		return this.thread != null && !this.stopped;
	}

	private void run() {
		while (!this.stopped) {
			this.watched.forEach(this::check);
			try {
				Thread.sleep(CHECK_EVERY_MILLIS);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private void check(Supervised s) {
		ChildProcess process = s.process;
		if (process.isAlive() || this.stopped) {
			return;
		}
		long now = System.nanoTime();
		if (s.restartAt == 0) {
			Duration ran = Duration.ofNanos(now - s.startedAt);
			if (ran.compareTo(HEALTHY_RUN) >= 0) {
				s.backoff = FIRST_BACKOFF;
			}
			s.restartAt = now + s.backoff.toNanos();
			this.log.warn(String.format("%s (pid %d) exited with status %d after %d s; restart #%d in %d s (log: %s)",
					s.name, process.pid(), process.exitValue(), ran.toSeconds(), s.restarts + 1, s.backoff.toSeconds(),
					s.logFile));
		}
		else if (now >= s.restartAt) {
			s.process = ChildProcess.start(s.name, s.command, s.env, s.logFile, true);
			s.restarts++;
			s.startedAt = now;
			s.restartAt = 0;
			Duration doubled = s.backoff.multipliedBy(2);
			s.backoff = (doubled.compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : doubled;
			this.log.step(String.format("%s restarted (pid %d, restart #%d)", s.name, s.process.pid(), s.restarts));
		}
	}

	/** Stops watching; what runs stays running (the suite stops it). */
	@Override
	public synchronized void close() {
		this.stopped = true;
		if (this.thread != null) {
			this.thread.interrupt();
			try {
				this.thread.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
