package crewship.crew.workspace;

import java.nio.charset.StandardCharsets;

import crewship.platform.web.ProblemException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The raw config strings crews and agents store (MCP, devcontainer, services): size caps
 * and syntax checks, each refusal a 400 naming the field.
 */
public final class ConfigBlobs {

	/** A blob the page gives no size: bounded all the same. */
	public static final int DEFAULT_MAX_BYTES = 64 * 1024;

	private static final JsonMapper STRICT = JsonMapper.builder().build();

	/** devcontainer.json is JSON with comments and trailing commas. */
	private static final JsonMapper LENIENT = JsonMapper.builder()
		.enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
		.build();

	private ConfigBlobs() {
	}

	public static void checkSize(String field, String value, int maxBytes) {
		if (value != null && value.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
			throw ProblemException.badRequest(field + " exceeds " + (maxBytes / 1024) + " KB");
		}
	}

	/**
	 * @return the parsed blob, or null when absent or empty (which clears it)
	 */
	public static JsonNode json(String field, String value, int maxBytes, boolean lenient) {
		if (value == null || value.isEmpty()) {
			return null;
		}
		checkSize(field, value, maxBytes);
		try {
			return (lenient ? LENIENT : STRICT).readTree(value);
		}
		catch (JacksonException ex) {
			throw ProblemException.badRequest(field + " is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	/** An MCP config must hold an {@code mcpServers} object. */
	public static void checkMcp(String value) {
		JsonNode mcp = json("mcp_config_json", value, DEFAULT_MAX_BYTES, false);
		if (mcp != null && (!mcp.isObject() || !mcp.path("mcpServers").isObject())) {
			throw ProblemException.badRequest("mcp_config_json must contain an \"mcpServers\" object");
		}
	}

}
