package crewship.crew.integrations;

import tools.jackson.databind.json.JsonMapper;

/** Plain JSON (as received, camelCase kept) for what the integrations store verbatim. */
final class IntegrationsJson {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private IntegrationsJson() {
	}

	static String write(Object value) {
		return JSON.writeValueAsString(value);
	}

	/** Stored JSON back as a tree; null when it no longer parses. */
	static tools.jackson.databind.JsonNode read(String json) {
		try {
			return JSON.readTree(json);
		}
		catch (tools.jackson.core.JacksonException ex) {
			return null;
		}
	}

}
