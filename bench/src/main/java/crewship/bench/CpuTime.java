package crewship.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time (user + system, from {@code /proc}) of the processes that do a request's
 * work: the suite's JVMs by pid, every PostgreSQL process, and this benchmark's own JVM.
 * Divided by the requests served it is the cost per request, which one run's noise moves
 * far less than throughput: two IssueListBench runs of the same code served its
 * unfiltered page at 128 and 265 req/s.
 */
final class CpuTime {

	/**
	 * Linux's USER_HZ, the unit of {@code utime}/{@code stime}, is 100 on every
	 * architecture we run.
	 */
	private static final long MILLIS_PER_TICK = 10;

	private final Map<String, Long> pids;

	/**
	 * @param pids the processes to watch by name; PostgreSQL's ({@code postgresql}) and
	 * this JVM's ({@code bench client}) are added
	 */
	CpuTime(Map<String, Long> pids) {
		this.pids = new LinkedHashMap<>(pids);
		this.pids.put("bench client", ProcessHandle.current().pid());
	}

	/** CPU milliseconds used so far, by name. */
	Map<String, Long> sample() {
		Map<String, Long> used = new LinkedHashMap<>();
		this.pids.forEach((name, pid) -> used.put(name, millis(Path.of("/proc", Long.toString(pid), "stat"))));
		used.put("postgresql", postgresMillis());
		return used;
	}

	/** What each used between two samples, per request. */
	static Map<String, Double> perRequest(Map<String, Long> before, Map<String, Long> after, long requests) {
		Map<String, Double> cost = new LinkedHashMap<>();
		after.forEach((name, millis) -> cost.put(name,
				(requests > 0) ? (millis - before.getOrDefault(name, 0L)) / (double) requests : 0.0));
		return cost;
	}

	private static long postgresMillis() {
		try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
			return processes.filter(dir -> dir.getFileName().toString().chars().allMatch(Character::isDigit))
				.map(dir -> read(dir.resolve("stat")))
				.filter(stat -> stat.substring(stat.indexOf('(') + 1, Math.max(stat.lastIndexOf(')'), 0))
					.equals("postgres"))
				.mapToLong(CpuTime::millis)
				.sum();
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static long millis(Path stat) {
		return millis(read(stat));
	}

	/** utime + stime: fields 14 and 15, the 12th and 13th after the command's ")". */
	private static long millis(String stat) {
		try {
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK;
		}
		catch (RuntimeException ex) {
			return 0; // an empty read: the process is gone
		}
	}

	/** The stat line, or "" when the process is gone meanwhile. */
	private static String read(Path stat) {
		try {
			return Files.readString(stat);
		}
		catch (IOException ex) {
			return "";
		}
	}

}
