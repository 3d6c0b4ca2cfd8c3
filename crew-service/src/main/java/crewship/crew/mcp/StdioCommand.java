package crewship.crew.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stdio launch rules the CLI and the UI share: {@code command} is one executable
 * (quotes may wrap a path with spaces), arguments go in {@code args_json}. Splitting is
 * quote-aware, so {@code "/opt/My Tools/server"} is one token and {@code npx -y pkg} is
 * three (refused: a launch line belongs in {@code args_json}).
 */
public final class StdioCommand {

	private StdioCommand() {
	}

	/**
	 * @return the command's tokens; empty when the quoting is unbalanced
	 */
	public static Optional<List<String>> tokenize(String command) {
		List<String> tokens = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		boolean inToken = false;
		char quote = 0;
		for (int i = 0; i < command.length(); i++) {
			char c = command.charAt(i);
			if (quote != 0) {
				if (c == quote) {
					quote = 0;
				}
				else if (c == '\\' && quote == '"' && i + 1 < command.length()) {
					current.append(command.charAt(++i));
				}
				else {
					current.append(c);
				}
			}
			else if (c == '"' || c == '\'') {
				quote = c;
				inToken = true;
			}
			else if (Character.isWhitespace(c)) {
				if (inToken) {
					tokens.add(current.toString());
					current.setLength(0);
					inToken = false;
				}
			}
			else if (c == '\\' && i + 1 < command.length()) {
				current.append(command.charAt(++i));
				inToken = true;
			}
			else {
				current.append(c);
				inToken = true;
			}
		}
		if (quote != 0) {
			return Optional.empty();
		}
		if (inToken) {
			tokens.add(current.toString());
		}
		return Optional.of(tokens);
	}

	/**
	 * @return the executable, or why the command is not one
	 */
	public static String executable(String command) throws IllegalArgumentException {
		if (command == null || command.isBlank()) {
			throw new IllegalArgumentException("command is required for the stdio transport");
		}
		List<String> tokens = tokenize(command.trim())
			.orElseThrow(() -> new IllegalArgumentException("command has an unbalanced quote"));
		if (tokens.size() != 1 || tokens.get(0).isEmpty()) {
			throw new IllegalArgumentException(
					"command must be a single executable; put its arguments in args_json (got " + tokens.size()
							+ " tokens)");
		}
		return tokens.get(0);
	}

}
