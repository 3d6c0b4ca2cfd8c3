package crewship.crew.skills;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What every import path checks before a skill is stored: the SPDX license gate and the
 * content scanner. A skill is text an agent will follow, so a few patterns refuse it
 * outright (piping a download into a shell, private keys) and a few only flag it for a
 * human (prompt-injection phrasing, privilege escalation).
 */
final class SkillChecks {

	/** Copyleft, non-commercial and source-available licenses, by SPDX id prefix. */
	private static final List<String> UNSAFE_LICENSES = List.of("GPL-", "AGPL-", "LGPL-", "SSPL", "BUSL", "CC-BY-NC",
			"CC-BY-ND", "EUPL-", "OSL-", "ELASTIC-", "COMMONS-CLAUSE");

	private record Rule(Pattern pattern, String reason) {
	}

	private static final List<Rule> BLOCK = List.of(
			rule("(curl|wget)\\b[^\\n|]*\\|\\s*(sudo\\s+)?(ba|z|da)?sh\\b", "pipes a download into a shell"),
			rule("base64\\s+(-d|--decode)[^\\n|]*\\|\\s*(ba|z)?sh\\b", "pipes decoded data into a shell"),
			rule("\\brm\\s+-[a-z]*r[a-z]*f?[a-z]*\\s+(/|~)(\\s|$)", "removes the root or home directory"),
			rule("-----BEGIN ([A-Z]+ )?PRIVATE KEY-----", "contains a private key"),
			rule("\\bAKIA[0-9A-Z]{16}\\b", "contains an AWS access key id"));

	private static final List<Rule> FLAG = List.of(
			rule("ignore (all )?(the )?(previous|prior|above) instructions", "asks to ignore previous instructions"),
			rule("\\bsudo\\s", "runs commands with sudo"), rule("chmod\\s+(-R\\s+)?777", "makes files world-writable"),
			rule("disable (the )?(safety|guardrails|sandbox)", "asks to disable safety measures"));

	private SkillChecks() {
	}

	private static Rule rule(String regex, String reason) {
		return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.MULTILINE), reason);
	}

	/** The scanner's verdict on content it did not refuse. */
	record Scan(String status, String reason, int securityScore) {
	}

	/** Refused content or license; the message says why (a 422, or a skipped entry). */
	static class Rejected extends RuntimeException {

		Rejected(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * @throws Rejected for a license flagged unsafe, unless the caller opted in
	 */
	static void checkLicense(String spdx, boolean allowUnsafe) {
		if (spdx == null || allowUnsafe) {
			return;
		}
		String upper = spdx.toUpperCase(Locale.ROOT);
		for (String unsafe : UNSAFE_LICENSES) {
			if (upper.startsWith(unsafe) || upper.contains(" " + unsafe)) {
				throw new Rejected("license " + spdx + " blocked; pass allow_unsafe_license=true to override");
			}
		}
	}

	/**
	 * @throws Rejected for content the scanner refuses
	 */
	static Scan scan(String content) {
		Optional<Rule> blocked = BLOCK.stream().filter(rule -> rule.pattern().matcher(content).find()).findFirst();
		if (blocked.isPresent()) {
			throw new Rejected("rejected by the content scanner: the skill " + blocked.get().reason());
		}
		List<String> flagged = FLAG.stream()
			.filter(rule -> rule.pattern().matcher(content).find())
			.map(Rule::reason)
			.toList();
		if (flagged.isEmpty()) {
			return new Scan("CLEAN", "", 100);
		}
		return new Scan("FLAGGED", "the skill " + String.join("; ", flagged), Math.max(20, 80 - 20 * flagged.size()));
	}

}
