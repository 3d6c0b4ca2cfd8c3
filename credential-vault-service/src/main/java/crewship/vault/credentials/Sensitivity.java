package crewship.vault.credentials;

import java.util.Arrays;

import crewship.platform.web.ProblemException;

/** Reveal classification, lowest first: SEALED is never revealed, by anyone. */
public enum Sensitivity {

	STANDARD, RESTRICTED, SEALED;

	static Sensitivity parse(String value) {
		return Arrays.stream(values())
			.filter(level -> level.name().equals(value))
			.findFirst()
			.orElseThrow(() -> ProblemException
				.badRequest("Unknown sensitivity '" + value + "'; known: " + Arrays.toString(values())));
	}

}
