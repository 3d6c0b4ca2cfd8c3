package crewship.cli.feeds;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import crewship.cli.Failure;

/** {@code --since 1h|24h|7d|RFC 3339} as the RFC 3339 instant the journal filters on. */
final class Since {

	private Since() {
	}

	static String of(String since) {
		if (since == null) {
			return null;
		}
		String value = since.trim().toLowerCase(Locale.ROOT);
		try {
			if (value.matches("\\d+[smhd]")) {
				long amount = Long.parseLong(value.substring(0, value.length() - 1));
				Duration window = switch (value.charAt(value.length() - 1)) {
					case 's' -> Duration.ofSeconds(amount);
					case 'm' -> Duration.ofMinutes(amount);
					case 'h' -> Duration.ofHours(amount);
					default -> Duration.ofDays(amount);
				};
				return Instant.now().minus(window).toString();
			}
			return Instant.parse(since.trim()).toString();
		}
		catch (DateTimeParseException | ArithmeticException ex) {
			throw Failure.validation("bad --since: " + since + " (use 1h, 24h, 7d or an RFC 3339 time)");
		}
	}

}
