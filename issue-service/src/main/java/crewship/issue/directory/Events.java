package crewship.issue.directory;

import tools.jackson.databind.JsonNode;

/** Reading other services' event data: a missing or null field is null. */
public final class Events {

	private Events() {
	}

	public static String text(JsonNode data, String field) {
		JsonNode value = (data != null) ? data.get(field) : null;
		return (value != null && !value.isNull()) ? value.asString() : null;
	}

	public static boolean has(JsonNode data, String field) {
		return data != null && data.has(field);
	}

}
