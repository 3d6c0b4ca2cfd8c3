package crewship.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What a command prints, in the format asked for: {@code table} (people), {@code json},
 * {@code yaml}, {@code ndjson} (one record per line) or {@code quiet} (ids only). Success
 * goes to stdout; under a machine format an error is an envelope on stderr in that same
 * format, so stdout stays parseable.
 */
public final class Output {

	/** The output formats of every command. */
	public enum Format {

		TABLE, JSON, YAML, NDJSON, QUIET;

		public static Format of(String name) {
			try {
				return valueOf(name.trim().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw Failure.validation("unknown --format " + name + ": use table, json, yaml, ndjson or quiet");
			}
		}

		public boolean machine() {
			return this == JSON || this == YAML || this == NDJSON;
		}

	}

	/** A table column: its header and how to read it from a record. */
	public record Column(String header, Function<JsonNode, String> value) {

		/** A column that reads one field (a dotted path reads nested fields). */
		public static Column of(String header, String field) {
			return new Column(header, node -> Output.text(node, field));
		}

	}

	private static final int MAX_CELL = 60;

	private final Format format;

	private final boolean color;

	private final PrintStream out;

	private final PrintStream err;

	public Output(Format format, boolean color, PrintStream out, PrintStream err) {
		this.format = format;
		this.color = color;
		this.out = out;
		this.err = err;
	}

	public Format format() {
		return this.format;
	}

	public PrintStream out() {
		return this.out;
	}

	public PrintStream err() {
		return this.err;
	}

	/** A list of records: a table with these columns, or the records themselves. */
	public void list(JsonNode records, List<Column> columns) {
		JsonNode items = (records == null || records.isMissingNode() || records.isNull()) ? Api.JSON.createArrayNode()
				: records;
		switch (this.format) {
			case TABLE -> table(items, columns);
			case QUIET -> items.forEach(item -> this.out.println(id(item)));
			case NDJSON -> items.forEach(item -> this.out.println(Api.JSON.writeValueAsString(item)));
			default -> machine(items);
		}
	}

	/** One record: {@code Field: value} lines for these fields, or the record itself. */
	public void record(JsonNode record, List<Column> fields) {
		switch (this.format) {
			case TABLE -> {
				int width = fields.stream().mapToInt(field -> field.header().length()).max().orElse(0) + 1;
				for (Column field : fields) {
					String value = field.value().apply(record);
					if (value != null && !value.isEmpty()) {
						this.out.printf("%-" + width + "s %s%n", field.header() + ":", value);
					}
				}
			}
			case QUIET -> this.out.println(id(record));
			case NDJSON -> this.out.println(Api.JSON.writeValueAsString(record));
			default -> machine(record);
		}
	}

	/**
	 * A done action: a human line (table), the id (quiet), or the answer (machine
	 * formats).
	 */
	public void done(String human, JsonNode answer) {
		switch (this.format) {
			case TABLE -> this.out.println(check() + human);
			case QUIET -> {
				String id = id(answer);
				if (!id.isEmpty()) {
					this.out.println(id);
				}
			}
			case NDJSON -> this.out.println(Api.JSON.writeValueAsString(answer));
			default -> machine(answer);
		}
	}

	/** A value in the machine format asked for (json for table and quiet). */
	public void machine(JsonNode value) {
		if (this.format == Format.YAML) {
			this.out.print(YamlHolder.YAML.writeValueAsString(value));
		}
		else if (this.format == Format.NDJSON) {
			this.out.println(Api.JSON.writeValueAsString(value));
		}
		else {
			this.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
		}
	}

	/** Something for the person at the terminal, never for a script's stdout. */
	public void note(String message) {
		if (!this.format.machine() && this.format != Format.QUIET) {
			this.err.println(message);
		}
	}

	/** A failure: a line for people, an envelope for scripts; both on stderr. */
	public void error(Failure failure) {
		if (this.format.machine()) {
			ObjectNode error = Api.JSON.createObjectNode();
			error.put("message", failure.getMessage());
			if (failure.status() != null) {
				error.put("status", failure.status());
			}
			if (failure.detail() != null) {
				error.put("detail", failure.detail());
			}
			error.put("exit_code", failure.exitCode());
			if (failure.extensions() != null) {
				error.set("extensions", failure.extensions());
			}
			ObjectNode envelope = Api.JSON.createObjectNode();
			envelope.set("error", error);
			String text = switch (this.format) {
				case YAML -> YamlHolder.YAML.writeValueAsString(envelope);
				case NDJSON -> Api.JSON.writeValueAsString(envelope) + System.lineSeparator();
				default ->
					Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(envelope) + System.lineSeparator();
			};
			this.err.print(text);
		}
		else {
			this.err.println(paint("31", "Error: ") + failure.getMessage());
		}
		this.err.flush();
	}

	public String check() {
		return paint("32", "✓ ");
	}

	public String bold(String text) {
		return paint("1", text);
	}

	private String paint(String code, String text) {
		return this.color ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
	}

	private void table(JsonNode items, List<Column> columns) {
		List<String[]> rows = new ArrayList<>();
		int[] widths = new int[columns.size()];
		for (int c = 0; c < columns.size(); c++) {
			widths[c] = columns.get(c).header().length();
		}
		for (JsonNode item : items) {
			String[] row = new String[columns.size()];
			for (int c = 0; c < columns.size(); c++) {
				String value = columns.get(c).value().apply(item);
				value = (value == null || value.isEmpty()) ? "-" : value.replace('\n', ' ');
				if (value.length() > MAX_CELL) {
					value = value.substring(0, MAX_CELL - 1) + "…";
				}
				row[c] = value;
				widths[c] = Math.max(widths[c], value.length());
			}
			rows.add(row);
		}
		StringBuilder header = new StringBuilder();
		for (int c = 0; c < columns.size(); c++) {
			header.append(pad(columns.get(c).header(), widths[c], c == columns.size() - 1));
		}
		this.out.println(bold(header.toString().stripTrailing()));
		for (String[] row : rows) {
			StringBuilder line = new StringBuilder();
			for (int c = 0; c < row.length; c++) {
				line.append(pad(row[c], widths[c], c == row.length - 1));
			}
			this.out.println(line.toString().stripTrailing());
		}
	}

	private static String pad(String value, int width, boolean last) {
		return last ? value : value + " ".repeat(width - value.length() + 2);
	}

	/** A record's id for {@code quiet}: its id, else its slug or name. */
	static String id(JsonNode node) {
		for (String field : List.of("id", "identifier", "slug", "name")) {
			String value = text(node, field);
			if (value != null && !value.isEmpty()) {
				return value;
			}
		}
		return "";
	}

	/** A field as text; a dotted path reads nested objects; null when absent. */
	public static String text(JsonNode node, String path) {
		JsonNode current = node;
		for (String part : path.split("\\.")) {
			if (current == null || !current.isObject()) {
				return null;
			}
			current = current.get(part);
		}
		if (current == null || current.isNull() || current.isMissingNode()) {
			return null;
		}
		return current.isValueNode() ? current.asString() : current.toString();
	}

	/** Jackson's YAML writer, loaded only when YAML is asked for. */
	private static final class YamlHolder {

		static final YAMLMapper YAML = YAMLMapper.builder().build();

	}

}
