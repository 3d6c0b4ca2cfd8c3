package crewship.platform.ids;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collision-resistant ids in the CUID shape the API shows ({@code c} + base36 time,
 * counter, process fingerprint and randomness; 25 lowercase characters). Sortable by
 * creation time to the millisecond, which keeps B-tree inserts local.
 */
public final class Cuid {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final AtomicInteger COUNTER = new AtomicInteger(RANDOM.nextInt(36 * 36 * 36 * 36));

	private static final String FINGERPRINT = pad(Long.toString(ProcessHandle.current().pid() ^ RANDOM.nextInt(), 36),
			4);

	private static final int BLOCK = 36 * 36 * 36 * 36;

	private Cuid() {
	}

	public static String next() {
		String time = pad(Long.toString(System.currentTimeMillis(), 36), 8);
		String counter = pad(Integer.toString(Math.floorMod(COUNTER.getAndIncrement(), BLOCK), 36), 4);
		String random = pad(Integer.toString(RANDOM.nextInt(BLOCK), 36), 4)
				+ pad(Integer.toString(RANDOM.nextInt(BLOCK), 36), 4);
		return "c" + time + counter + FINGERPRINT + random;
	}

	public static boolean isValid(String id) {
		return id != null && id.matches("c[0-9a-z]{24}");
	}

	private static String pad(String value, int length) {
		String padded = "0".repeat(Math.max(0, length - value.length())) + value;
		return padded.substring(padded.length() - length);
	}

}
