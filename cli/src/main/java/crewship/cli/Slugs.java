package crewship.cli;

import java.text.Normalizer;
import java.util.Locale;

/**
 * A slug from a display name, as the web UI derives it: {@code "Backend Team"} →
 * {@code backend-team}.
 */
public final class Slugs {

	private Slugs() {
	}

	public static String of(String name) {
		String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
		String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
		if (slug.length() > 50) {
			slug = slug.substring(0, 50).replaceAll("-+$", "");
		}
		if (slug.length() < 2) {
			throw Failure.validation("cannot derive a slug from '" + name + "': pass --slug");
		}
		return slug;
	}

}
