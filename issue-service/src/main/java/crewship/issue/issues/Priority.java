package crewship.issue.issues;

import java.util.List;
import java.util.Locale;

import crewship.platform.web.ProblemException;

/** The page's priority levels, lower-case on the wire; urgent sorts first. */
public final class Priority {

	public static final List<String> LEVELS = List.of("urgent", "high", "medium", "low", "none");

	private Priority() {
	}

	/**
	 * @throws ProblemException 400 for anything but the page's levels
	 */
	public static String parse(String field, String value) {
		String level = (value != null) ? value.trim().toLowerCase(Locale.ROOT) : null;
		if (level == null || !LEVELS.contains(level)) {
			throw ProblemException.badRequest(field + " must be one of none, low, medium, high, urgent");
		}
		return level;
	}

}
