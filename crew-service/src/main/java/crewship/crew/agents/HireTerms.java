package crewship.crew.agents;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import crewship.platform.web.ProblemException;

/** A hire's or rehire's lifetime and reason, clamped and checked as the page says. */
record HireTerms(Duration ttl, String reason) {

	static final int MIN_TTL_MINUTES = 1;

	static final int MAX_TTL_MINUTES = 1440;

	/** What an absent, zero or negative {@code ttl_minutes} means. */
	static final int DEFAULT_TTL_MINUTES = 30;

	static HireTerms of(Integer ttlMinutes, String reason) {
		if (reason == null || reason.isBlank()) {
			throw ProblemException.badRequest("reason is required");
		}
		int minutes = (ttlMinutes == null || ttlMinutes <= 0) ? DEFAULT_TTL_MINUTES
				: Math.clamp(ttlMinutes, MIN_TTL_MINUTES, MAX_TTL_MINUTES);
		return new HireTerms(Duration.ofMinutes(minutes), reason.trim());
	}

	String logLine(String kind, Instant at) {
		return "[" + at.truncatedTo(ChronoUnit.SECONDS) + "] " + kind + ": " + this.reason;
	}

}
