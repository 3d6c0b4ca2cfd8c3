package crewship.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the launcher runs each service JVM.
 * <ul>
 * <li>{@link #FAST_START} (default): C1 only, Serial GC, small heaps and stacks — eight
 * JVMs start in well under two minutes on a 2-core laptop and take ~2 GiB together. Right
 * for development and tests, wrong for throughput: C1 code is several times slower and
 * Serial GC stops the world.</li>
 * <li>{@link #THROUGHPUT}: what the Dockerfile runs in production — the full tiered
 * compiler (C2), G1, a heap sized for load (1 GiB unless {@code CREWSHIP_SERVICE_HEAP}),
 * default thread stacks. Benchmarks use it; so does {@code ./crewship-dev --profile
 * throughput}.</li>
 * </ul>
 */
public enum JvmProfile {

	FAST_START("192m"), THROUGHPUT("1g");

	private final String defaultHeap;

	JvmProfile(String defaultHeap) {
		this.defaultHeap = defaultHeap;
	}

	/**
	 * {@code fast-start} or {@code throughput} (case and {@code _}/{@code -} ignored).
	 */
	public static JvmProfile parse(String value) {
		if (value == null || value.isBlank()) {
			return FAST_START;
		}
		String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
		for (JvmProfile profile : values()) {
			if (profile.name().equals(normalized)) {
				return profile;
			}
		}
		throw new DevstackException("Unknown profile '" + value
				+ "': use fast-start (the default) or throughput (production JVM settings).");
	}

	public String defaultHeap() {
		return this.defaultHeap;
	}

	/**
	 * The JVM options before {@code -jar}, with the class-data archive at {@code cds}
	 * (none when null).
	 */
	List<String> options(String heap, Path cds) {
		List<String> options = new ArrayList<>();
		if (this == FAST_START) {
			options.addAll(List.of("-Xms32m", "-Xmx" + heap, "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
					"-XX:ReservedCodeCacheSize=48m"));
		}
		else {
			options.addAll(List.of("-Xms256m", "-Xmx" + heap, "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError"));
		}
		if (cds != null) {
			options.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + cds,
					"-Xlog:cds=off,cds+dynamic=off"));
		}
		return options;
	}

	@Override
	public String toString() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
