package crewship.platform.ids;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The suite's clock reading: UTC instants at PostgreSQL's microsecond precision, so a
 * value reads back from the database exactly as it was written and serialises as RFC
 * 3339.
 */
public final class Timestamps {

	private Timestamps() {
	}

	public static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MICROS);
	}

}
