package crewship.devstack;

import java.io.PrintStream;
import java.time.Duration;

/** The launcher's own output: short progress lines for the person waiting. */
public final class Log {

	private final PrintStream out;

	private final long started = System.nanoTime();

	public Log(PrintStream out) {
		this.out = out;
	}

	void step(String message) {
		this.out.printf("[%5.1fs] %s%n", elapsed().toMillis() / 1000.0, message);
	}

	void warn(String message) {
		this.out.println("WARNING: " + message);
	}

	Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - this.started);
	}

	PrintStream out() {
		return this.out;
	}

}
