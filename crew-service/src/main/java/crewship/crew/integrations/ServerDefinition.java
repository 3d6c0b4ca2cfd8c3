package crewship.crew.integrations;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import crewship.crew.mcp.StdioCommand;
import crewship.crew.workspace.ConfigBlobs;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * How to reach an MCP server: the transport and either an endpoint or a command with
 * arguments and environment, plus free configuration and an icon. The rules (the page's
 * and ours) live here: a validated transport, the endpoint or command the transport
 * needs, JSON blobs of the right shape and size, no credentials in a URL, and no literal
 * secret in the environment or headers — those belong in the vault, referenced as
 * {@code {{credential:NAME}}}, so nothing secret is ever stored by crew-service.
 */
@Embeddable
public class ServerDefinition {

	public static final String STREAMABLE_HTTP = "streamable-http";

	public static final String SSE = "sse";

	public static final String STDIO = "stdio";

	static final Set<String> TRANSPORTS = Set.of(STREAMABLE_HTTP, SSE, STDIO);

	static final int MAX_ITEMS = 100;

	private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

	/** Names whose values are secrets by convention. */
	private static final Pattern SECRET_NAME = Pattern.compile(
			"(?i).*(token|secret|passw(or)?d|passwd|api_?key|apikey|private_?key|credential|authorization|cookie).*");

	/** A value that points at a secret instead of holding one. */
	private static final Pattern REFERENCE = Pattern.compile(
			"\\s*(Bearer\\s+|Basic\\s+|Token\\s+)?(\\{\\{\\s*credential:[^}]+}}|\\$\\{[A-Za-z_][A-Za-z0-9_]*})\\s*");

	String transport;

	String endpoint;

	String command;

	@Column(name = "args_json")
	String argsJson;

	@Column(name = "env_json")
	String envJson;

	@Column(name = "config_json")
	String configJson;

	String icon;

	protected ServerDefinition() {
	}

	public ServerDefinition(String transport, String endpoint, String command, String argsJson, String envJson,
			String configJson, String icon) {
		this.transport = transport;
		this.endpoint = endpoint;
		this.command = command;
		this.argsJson = argsJson;
		this.envJson = envJson;
		this.configJson = configJson;
		this.icon = icon;
	}

	public String transport() {
		return this.transport;
	}

	public String endpoint() {
		return this.endpoint;
	}

	public String command() {
		return this.command;
	}

	public String argsJson() {
		return this.argsJson;
	}

	public String envJson() {
		return this.envJson;
	}

	public String configJson() {
		return this.configJson;
	}

	public String icon() {
		return this.icon;
	}

	ServerDefinition copy() {
		return new ServerDefinition(this.transport, this.endpoint, this.command, this.argsJson, this.envJson,
				this.configJson, this.icon);
	}

	/** This (an override) over a base: every field this leaves null is the base's. */
	ServerDefinition over(ServerDefinition base) {
		if (base == null) {
			return copy();
		}
		return new ServerDefinition(or(this.transport, base.transport), or(this.endpoint, base.endpoint),
				or(this.command, base.command), or(this.argsJson, base.argsJson), or(this.envJson, base.envJson),
				or(this.configJson, base.configJson), or(this.icon, base.icon));
	}

	private static String or(String value, String fallback) {
		return (value != null) ? value : fallback;
	}

	/** The accepted spellings: {@code http} is Streamable HTTP. */
	static String normalizeTransport(String transport) {
		if (transport == null) {
			return null;
		}
		String value = transport.trim().toLowerCase(Locale.ROOT);
		if (value.equals("http") || value.equals("streamable_http") || value.equals("streamablehttp")) {
			value = STREAMABLE_HTTP;
		}
		if (!TRANSPORTS.contains(value)) {
			throw ProblemException
				.badRequest("transport must be streamable-http or stdio (sse for legacy HTTP+SSE servers)");
		}
		return value;
	}

	/**
	 * Checks the blobs that are set (also on an override whose other fields inherit).
	 */
	void checkParts() {
		if (this.endpoint != null) {
			checkEndpoint(this.endpoint);
		}
		if (this.command != null && this.command.length() > 1024) {
			throw ProblemException.badRequest("command exceeds 1024 characters");
		}
		args(this.argsJson);
		env(this.envJson);
		config(this.configJson);
	}

	/** The complete definition a server runs with: the transport's needs met. */
	void checkComplete() {
		checkParts();
		String effective = (this.transport != null) ? this.transport : STREAMABLE_HTTP;
		if (STDIO.equals(effective)) {
			try {
				StdioCommand.executable(this.command);
			}
			catch (IllegalArgumentException ex) {
				throw ProblemException.badRequest(ex.getMessage());
			}
		}
		else if (this.endpoint == null || this.endpoint.isBlank()) {
			throw ProblemException.badRequest("endpoint is required when transport is " + effective);
		}
	}

	static void checkEndpoint(String endpoint) {
		URI uri;
		try {
			uri = URI.create(endpoint.trim());
		}
		catch (IllegalArgumentException ex) {
			throw ProblemException.badRequest("endpoint is not a valid URL");
		}
		if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
			throw ProblemException.badRequest("endpoint must be an absolute http(s) URL");
		}
		if (uri.getRawUserInfo() != null) {
			throw ProblemException
				.badRequest("endpoint must not carry credentials; attach a credential to the integration instead");
		}
		if (endpoint.length() > 2048) {
			throw ProblemException.badRequest("endpoint exceeds 2048 characters");
		}
	}

	/**
	 * @return the arguments, empty when none
	 */
	public static List<String> args(String argsJson) {
		JsonNode node = ConfigBlobs.json("args_json", argsJson, ConfigBlobs.DEFAULT_MAX_BYTES, false);
		if (node == null) {
			return List.of();
		}
		if (!node.isArray() || node.size() > MAX_ITEMS) {
			throw ProblemException.badRequest("args_json must be a JSON array of at most " + MAX_ITEMS + " strings");
		}
		List<String> args = new ArrayList<>();
		for (JsonNode arg : node) {
			if (!arg.isString()) {
				throw ProblemException.badRequest("args_json must be a JSON array of strings");
			}
			args.add(arg.asString());
		}
		return args;
	}

	/**
	 * @return the variables, empty when none
	 */
	public static Map<String, String> env(String envJson) {
		JsonNode node = ConfigBlobs.json("env_json", envJson, ConfigBlobs.DEFAULT_MAX_BYTES, false);
		if (node == null) {
			return Map.of();
		}
		if (!node.isObject() || node.size() > MAX_ITEMS) {
			throw ProblemException
				.badRequest("env_json must be a JSON object of at most " + MAX_ITEMS + " string values");
		}
		Map<String, String> env = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			if (!ENV_NAME.matcher(entry.getKey()).matches() || !entry.getValue().isString()) {
				throw ProblemException
					.badRequest("env_json must map variable names ([A-Za-z_][A-Za-z0-9_]*) to strings");
			}
			refuseLiteralSecret("env_json", entry.getKey(), entry.getValue().asString());
			env.put(entry.getKey(), entry.getValue().asString());
		}
		return env;
	}

	/**
	 * @return the configuration object, or null when none
	 */
	public static JsonNode config(String configJson) {
		JsonNode node = ConfigBlobs.json("config_json", configJson, ConfigBlobs.DEFAULT_MAX_BYTES, false);
		if (node == null) {
			return null;
		}
		if (!node.isObject()) {
			throw ProblemException.badRequest("config_json must be a JSON object");
		}
		JsonNode headers = node.get("headers");
		if (headers != null) {
			if (!headers.isObject()) {
				throw ProblemException.badRequest("config_json.headers must be an object of strings");
			}
			for (Map.Entry<String, JsonNode> header : headers.properties()) {
				if (!header.getValue().isString()) {
					throw ProblemException.badRequest("config_json.headers must be an object of strings");
				}
				refuseLiteralSecret("config_json.headers", header.getKey(), header.getValue().asString());
			}
		}
		return node;
	}

	/** The literal headers of config_json (references to credentials are left out). */
	public static Map<String, String> literalHeaders(String configJson) {
		JsonNode config = config(configJson);
		Map<String, String> headers = new LinkedHashMap<>();
		if (config != null && config.get("headers") != null) {
			config.get("headers").properties().forEach(header -> {
				String value = header.getValue().asString();
				if (!REFERENCE.matcher(value).matches()) {
					headers.put(header.getKey(), value);
				}
			});
		}
		return headers;
	}

	static boolean isReference(String value) {
		return REFERENCE.matcher(value).matches();
	}

	private static void refuseLiteralSecret(String field, String name, String value) {
		if (SECRET_NAME.matcher(name).matches() && !value.isBlank() && !REFERENCE.matcher(value).matches()) {
			throw ProblemException.badRequest(field + " '" + name + "' holds a literal secret: store it as a "
					+ "credential and reference it as {{credential:NAME}} (nothing secret is kept with the integration)");
		}
	}

}
