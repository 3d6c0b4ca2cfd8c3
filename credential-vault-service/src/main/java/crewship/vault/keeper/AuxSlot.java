package crewship.vault.keeper;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import crewship.platform.web.ProblemException;

/**
 * The evaluator slots, by their aux-config names, with the review spellings accepted as
 * aliases.
 */
enum AuxSlot {

	CURATOR("curator", "Skill review", "skill-review", "skill_review"), BEHAVIOR("behavior", "Behavior monitor"),
	MEMORY_HEALTH("memory_health", "Memory health", "memory-health"),
	NEGATIVE("negative", "Negative learning", "negative-learning", "negative_learning");

	/** The LLM provider registry the aux builder accepts, in declaration order. */
	static final List<String> PROVIDERS = List.of("anthropic", "openai", "ollama");

	final String key;

	final String label;

	private final List<String> aliases;

	AuxSlot(String key, String label, String... aliases) {
		this.key = key;
		this.label = label;
		this.aliases = List.of(aliases);
	}

	static AuxSlot of(String name) {
		String wanted = (name != null) ? name.trim().toLowerCase(Locale.ROOT) : "";
		return Arrays.stream(values())
			.filter(slot -> slot.key.equals(wanted) || slot.aliases.contains(wanted))
			.findFirst()
			.orElseThrow(() -> ProblemException.badRequest("Unknown slot " + name + "; the slots are "
					+ Arrays.stream(values()).map(slot -> slot.key).toList()));
	}

}
