package crewship.devstack;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SupervisorTests {

	@TempDir
	Path dir;

	/**
	 * A JVM that dies is started again, 1 s after the first exit and 2 s after the next
	 * (it ran less than a minute in between), each exit and restart logged; its log keeps
	 * what the earlier runs wrote.
	 */
	@Test
	void aProcessThatDiesIsRestartedWithBackOffAndTheRestartIsLogged() throws Exception {
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		Path logFile = this.dir.resolve("worker.log");
		try (Supervisor supervisor = new Supervisor(new Log(new PrintStream(output, true)))) {
			Supervisor.Supervised worker = new Supervisor.Supervised("worker",
					List.of("/bin/sh", "-c", "echo started; exec sleep 60"), Map.of(), logFile);
			supervisor.watch(worker);
			supervisor.start();

			long firstPid = worker.process().pid();
			worker.process().kill();
			long killed = System.nanoTime();
			awaitRestarts(worker, 1);
			Duration firstBackOff = Duration.ofNanos(System.nanoTime() - killed);
			assertThat(worker.process().pid()).isNotEqualTo(firstPid);
			assertThat(worker.process().isAlive()).isTrue();

			worker.process().kill();
			killed = System.nanoTime();
			awaitRestarts(worker, 2);
			Duration secondBackOff = Duration.ofNanos(System.nanoTime() - killed);

			assertThat(firstBackOff).isBetween(Duration.ofMillis(900), Duration.ofMillis(1900));
			assertThat(secondBackOff).isBetween(Duration.ofMillis(1900), Duration.ofMillis(2900));
			String log = output.toString();
			assertThat(log).contains("worker (pid " + firstPid + ") exited with status 137", "restart #1 in 1 s",
					"restart #2 in 2 s", "worker restarted (pid");
			worker.process().requestStop();
			worker.process().awaitStop(5);
		}
		assertThat(Files.readAllLines(logFile)).containsExactly("started", "started", "started");
	}

	private static void awaitRestarts(Supervisor.Supervised worker, int restarts) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (worker.restarts() < restarts && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(worker.restarts()).isEqualTo(restarts);
	}

}
