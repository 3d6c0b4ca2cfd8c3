package crewship.vault.keeper;

import java.util.List;
import java.util.Map;

/**
 * The named judge presets: how much evidence the judge sees, whether a hard gate runs
 * first, from which risk score it escalates, and how many samples must agree.
 */
record JudgeProfile(String name, boolean evidence, List<String> evidenceFacts, boolean hardGate, int escalateFrom,
		boolean precedent, int precedentN, int consistencySamples, int promptBudgetTokens) {

	static final String DEFAULT = "balanced";

	static final List<String> CHOICES = List.of("balanced", "strict", "thorough");

	static final List<String> AVAILABLE_FACTS = List.of("role", "history");

	private static final Map<String, JudgeProfile> PRESETS = Map.of("balanced",
			new JudgeProfile("balanced", true, AVAILABLE_FACTS, true, 7, false, 0, 1, 0), "strict",
			new JudgeProfile("strict", true, AVAILABLE_FACTS, true, 5, false, 0, 1, 0), "thorough",
			new JudgeProfile("thorough", true, AVAILABLE_FACTS, true, 7, true, 20, 3, 0));

	static JudgeProfile named(String name) {
		return PRESETS.getOrDefault(name, PRESETS.get(DEFAULT));
	}

	static boolean exists(String name) {
		return PRESETS.containsKey(name);
	}

}
