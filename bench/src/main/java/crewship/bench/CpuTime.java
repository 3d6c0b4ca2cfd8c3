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
				.map(dir -> dir.resolve("stat"))
				.filter(stat -> command(stat).equals("postgres"))
				.mapToLong(CpuTime::millis)
				.sum();
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static String command(Path stat) {
		try {
			String line = Files.readString(stat);
			return line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
		}
		catch (IOException | RuntimeException ex) {
			return ""; // gone meanwhile
		}
	}

	/** utime + stime: fields 14 and 15, the 12th and 13th after the command's ")". */
	private static long millis(Path stat) {
		try {
			String line = Files.readString(stat);
			String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK;
		}
		catch (IOException | RuntimeException ex) {
			return 0; // gone meanwhile
		}
	}

}
