package crewship.issue.workspace;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * Reading a partial update (PATCH body) field by field: absent keeps, JSON null or an
 * empty string clears where the page allows it, a wrong type is a 400 naming the field.
 */
public final class Fields {

	private Fields() {
	}

	/** Whether the body carries the field at all (null included). */
	public static boolean present(JsonNode body, String field) {
		return body != null && body.has(field);
	}

	/**
	 * @return the text, or null for JSON null (and, with {@code emptyClears}, "")
	 */
	public static String text(JsonNode body, String field, int maxLength, boolean emptyClears) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw ProblemException.badRequest(field + " must be a string");
		}
		String text = value.asString();
		if (emptyClears && text.isEmpty()) {
			return null;
		}
		if (text.length() > maxLength) {
			throw ProblemException.badRequest(field + " is at most " + maxLength + " characters");
		}
		return text;
	}

	/** A required string field of a partial update: present means a non-blank value. */
	public static String requiredText(JsonNode body, String field, int maxLength) {
		String text = text(body, field, maxLength, false);
		if (text == null || text.isBlank()) {
			throw ProblemException.badRequest(field + " must not be empty");
		}
		return text.trim();
	}

	public static Integer integer(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToInt()) {
			throw ProblemException.badRequest(field + " must be an integer");
		}
		return value.asInt();
	}

	public static Double number(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isNumber()) {
			throw ProblemException.badRequest(field + " must be a number");
		}
		return value.asDouble();
	}

	public static Boolean bool(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isBoolean()) {
			throw ProblemException.badRequest(field + " must be true or false");
		}
		return value.asBoolean();
	}

	/** A list of ids; null for JSON null. */
	public static List<String> strings(JsonNode body, String field, int max) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isArray()) {
			throw ProblemException.badRequest(field + " must be an array of strings");
		}
		if (value.size() > max) {
			throw ProblemException.badRequest(field + " holds at most " + max + " entries");
		}
		List<String> items = new ArrayList<>();
		for (JsonNode item : value) {
			if (!item.isString()) {
				throw ProblemException.badRequest(field + " must be an array of strings");
			}
			items.add(item.asString());
		}
		return items;
	}

	/** A {@code YYYY-MM-DD} date, or null. */
	public static LocalDate date(String field, String value) {
		if (value == null || value.isEmpty()) {
			return null;
		}
		try {
			return LocalDate.parse(value.length() > 10 && value.charAt(10) == 'T' ? value.substring(0, 10) : value);
		}
		catch (DateTimeParseException ex) {
			throw ProblemException.badRequest(field + " must be a date (YYYY-MM-DD)");
		}
	}

	/** Text whose null means "unset"; blank means unset too. */
	public static String trimmedOrNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
