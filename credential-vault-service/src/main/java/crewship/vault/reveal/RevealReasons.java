package crewship.vault.reveal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

import crewship.platform.web.ProblemException;

/** The page's reason rule: at least 20 characters and not a placeholder. */
final class RevealReasons {

	static final int MIN_LENGTH = 20;

	private static final Set<String> PLACEHOLDERS = Set.of("test", "testing", "debug", "n/a", "na", "none", "tbd",
			"todo", "asdf", "xxx", "reason", "because", "no reason", "just because", "need it", "for testing");

	private RevealReasons() {
	}

	static String require(String reason) {
		String trimmed = (reason != null) ? reason.strip() : "";
		if (trimmed.length() < MIN_LENGTH) {
			throw ProblemException.badRequest("A reveal needs a reason of at least " + MIN_LENGTH + " characters");
		}
		String lower = trimmed.toLowerCase(Locale.ROOT);
		String[] words = lower.split("[^\\p{L}\\p{N}/]+");
		boolean oneWordRepeated = Arrays.stream(words).filter(word -> !word.isEmpty()).distinct().count() <= 1;
		if (PLACEHOLDERS.contains(lower) || oneWordRepeated) {
			throw ProblemException.badRequest("A reveal reason must say why, not be a placeholder");
		}
		return trimmed;
	}

}
