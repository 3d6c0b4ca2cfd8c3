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

}
