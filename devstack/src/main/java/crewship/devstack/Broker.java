package crewship.devstack;

import java.time.Duration;

/**
 * The suite's own Kafka broker, which a failure test may stop and start again: the same
 * process settings, log directories (so everything acknowledged before the stop is there
 * after it) and ports, so clients reconnect without being told anything.
 */
public final class Broker {

	private final DevstackConfig config;

	private final Log log;

	private ChildProcess process;

	private Broker(DevstackConfig config, Log log) {
		this.config = config;
		this.log = log;
	}

	static Broker start(DevstackConfig config, Log log) {
		Broker broker = new Broker(config, log);
		broker.start();
		return broker;
	}

	/** {@code host:port} for clients. */
	public String bootstrapServers() {
		return "127.0.0.1:" + this.config.port(9092);
	}

	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Starts the broker on its data and ports (a no-op while it runs) and returns once it
	 * accepts connections.
	 */
	public synchronized void start() {
		if (!isRunning()) {
			this.process = KafkaBroker.start(this.config, this.log, this.process != null);
		}
	}

	/**
	 * An orderly stop (SIGTERM, SIGKILL after {@code grace}); returns once the process
	 * has exited and its port is closed.
	 */
	public synchronized void stop(Duration grace) {
		if (this.process == null) {
			return;
		}
		this.process.requestStop();
		this.process.awaitStop(Math.max(1, grace.toSeconds()));
		awaitPortClosed();
		this.log.step("Kafka stopped");
	}

	public void stop() {
		stop(Duration.ofSeconds(20));
	}

	/** A crash: SIGKILL, no shutdown of its own; returns once it is gone. */
	public synchronized void kill() {
		if (this.process == null) {
			return;
		}
		this.process.kill();
		awaitPortClosed();
		this.log.step("Kafka killed");
	}

	private void awaitPortClosed() {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (Ports.answers("127.0.0.1", this.config.port(9092), Duration.ofMillis(200))
				&& System.nanoTime() < deadline) {
			KafkaBroker.sleep(100);
		}
	}

	synchronized ChildProcess process() {
		return this.process;
	}

}
