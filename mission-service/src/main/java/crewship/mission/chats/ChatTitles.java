package crewship.mission.chats;

import crewship.platform.web.ProblemException;

/**
 * The page's title normalisation: one line (whitespace runs, newlines and tabs included,
 * become one space), control and invisible formatting characters stripped (the ZERO WIDTH
 * JOINER kept, so emoji sequences survive), trimmed, at most 200 characters (counted as
 * code points, not bytes). Empty after that, or too long: 400, never a silent truncation.
 * Markup is text and kept verbatim.
 */
final class ChatTitles {

	static final int MAX = 200;

	private static final int ZERO_WIDTH_JOINER = 0x200D;

	private ChatTitles() {
	}

	static String normalize(String raw) {
		if (raw == null) {
			throw ProblemException.badRequest("title is required");
		}
		StringBuilder title = new StringBuilder(raw.length());
		boolean space = false;
		for (int i = 0; i < raw.length();) {
			int cp = raw.codePointAt(i);
			i += Character.charCount(cp);
			if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
				space = true;
				continue;
			}
			int type = Character.getType(cp);
			boolean invisible = type == Character.CONTROL || (type == Character.FORMAT && cp != ZERO_WIDTH_JOINER)
					|| type == Character.UNASSIGNED || type == Character.PRIVATE_USE || type == Character.SURROGATE;
			if (invisible) {
				continue;
			}
			if (space && !title.isEmpty()) {
				title.append(' ');
			}
			space = false;
			title.appendCodePoint(cp);
		}
		String normalized = title.toString();
		if (normalized.isEmpty()) {
			throw ProblemException.badRequest("title is empty");
		}
		if (normalized.codePointCount(0, normalized.length()) > MAX) {
			throw ProblemException.badRequest("title is longer than " + MAX + " characters");
		}
		return normalized;
	}

}
