package crewship.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Questions to the person at the terminal, and secrets read without ever being an
 * argument (which {@code ps} and shell history would show): from stdin when asked to,
 * else from a prompt that does not echo.
 */
public final class Prompts {

	private static final int MAX_SECRET_BYTES = 64 * 1024;

	private Prompts() {
	}

	/**
	 * @return whether to go ahead; with {@code yes} at once, without a terminal never
	 * (scripts must say --yes)
	 */
	public static void confirm(String question, boolean yes) {
		if (yes) {
			return;
		}
		Console console = Terminal.interactive() ? System.console() : null;
		if (console == null) {
			throw Failure.validation(question + " — confirmation needed: pass --yes");
		}
		String answer = console.readLine("%s [y/N] ", question);
		if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
			throw Failure.general("aborted");
		}
	}

	/** A line typed at the terminal, or a failure when there is none. */
	public static String line(String prompt, String flag) {
		Console console = Terminal.interactive() ? System.console() : null;
		if (console == null) {
			throw Failure.validation("no terminal to ask for " + prompt.toLowerCase(Locale.ROOT) + ": pass " + flag);
		}
		String line = console.readLine("%s: ", prompt);
		if (line == null || line.isBlank()) {
			throw Failure.validation(prompt + " is required");
		}
		return line.trim();
	}

	/**
	 * A secret: all of stdin (one trailing newline dropped) when {@code fromStdin}, else
	 * typed at a prompt that does not echo.
	 */
	public static char[] secret(String prompt, boolean fromStdin, InputStream stdin, String flag) {
		if (fromStdin) {
			String value = readStdin(stdin);
			if (value.isBlank()) {
				throw Failure.validation(flag + ": nothing on stdin");
			}
			return value.toCharArray();
		}
		Console console = Terminal.interactive() ? System.console() : null;
		if (console == null) {
			throw Failure
				.validation("no terminal to ask for the " + prompt.toLowerCase(Locale.ROOT) + ": pass " + flag);
		}
		char[] typed = console.readPassword("%s: ", prompt);
		if (typed == null || typed.length == 0) {
			throw Failure.validation(prompt + " is required");
		}
		return typed;
	}

	private static String readStdin(InputStream stdin) {
		try {
			ByteArrayOutputStream read = new ByteArrayOutputStream();
			byte[] buffer = new byte[4096];
			int n;
			while ((n = stdin.read(buffer)) != -1) {
				read.write(buffer, 0, n);
				if (read.size() > MAX_SECRET_BYTES) {
					throw Failure.validation("stdin holds more than 64 KiB: not a secret value");
				}
			}
			String value = read.toString(StandardCharsets.UTF_8);
			if (value.endsWith("\r\n")) {
				return value.substring(0, value.length() - 2);
			}
			return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
		}
		catch (IOException ex) {
			throw Failure.general("could not read stdin: " + ex.getMessage());
		}
	}

}
