package crewship.crew.connectors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The curated connector catalog: versioned manifest files shipped with the service
 * ({@code connectors/<id>.json}, listed in order by {@code connectors/catalog.json}),
 * read and checked once at startup — a broken manifest stops the service rather than
 * failing an install later. A manifest says how to collect credentials
 * ({@code auth_mode}, {@code fields}), what MCP server to materialise ({@code mcp}, whose
 * {@code {{field}}} placeholders are filled at install) and how to check credentials
 * before installing ({@code verify}).
 */
@Component
public class ConnectorCatalog {

	static final Set<String> AUTH_MODES = Set.of("pat", "conn_string", "mcp_oauth", "byo_oauth", "none");

	static final Set<String> TRANSPORTS = Set.of("streamable-http", "sse", "stdio");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, Manifest> manifests;

	/** One field of a connector's form. */
	public record Field(String key, String label, String type, boolean required, boolean secret, String defaultValue) {
	}

	/** A checked manifest; {@code raw} is what Get returns verbatim. */
	public record Manifest(String id, String name, String version, String authMode, List<Field> fields, JsonNode raw) {

		public JsonNode mcp() {
			return this.raw.path("mcp");
		}

		public JsonNode verify() {
			return this.raw.path("verify");
		}

		public JsonNode oauth() {
			return this.raw.path("oauth");
		}

		public Map<String, String> derived() {
			Map<String, String> derived = new LinkedHashMap<>();
			this.raw.path("derived")
				.properties()
				.forEach(entry -> derived.put(entry.getKey(), entry.getValue().asString()));
			return derived;
		}

		Map<String, Object> listItem() {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("id", this.id);
			item.put("name", this.name);
			item.put("description", this.raw.path("description").asString(""));
			item.put("category", this.raw.path("category").asString(""));
			item.put("auth_mode", this.authMode);
			item.put("brand_logo", this.raw.path("brand").path("logo").asString(""));
			item.put("brand_color", this.raw.path("brand").path("color").asString(""));
			item.put("version", this.version);
			return item;
		}

	}

	ConnectorCatalog() {
		this("connectors/");
	}

	ConnectorCatalog(String location) {
		JsonNode catalog = read(location + "catalog.json");
		Map<String, Manifest> loaded = new LinkedHashMap<>();
		for (JsonNode id : catalog.path("connectors")) {
			Manifest manifest = check(id.asString(), read(location + id.asString() + ".json"));
			if (loaded.put(manifest.id(), manifest) != null) {
				throw new IllegalStateException("Connector " + manifest.id() + " is listed twice");
			}
		}
		this.manifests = java.util.Collections.unmodifiableMap(loaded);
	}

	public List<Map<String, Object>> list() {
		return this.manifests.values().stream().map(Manifest::listItem).toList();
	}

	public Optional<Manifest> find(String id) {
		return Optional.ofNullable(this.manifests.get(id));
	}

	private static JsonNode read(String path) {
		try (InputStream in = new ClassPathResource(path).getInputStream()) {
			return JSON.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Connector catalog: cannot read " + path, ex);
		}
	}

	static Manifest check(String expectedId, JsonNode raw) {
		String id = raw.path("id").asString("");
		if (!id.equals(expectedId)) {
			throw invalid(expectedId, "its id is '" + id + "'");
		}
		if (raw.path("manifest_version").asInt(0) != 1) {
			throw invalid(id, "manifest_version must be 1");
		}
		for (String required : List.of("name", "version", "description", "category", "auth_mode")) {
			if (!raw.path(required).isString() || raw.path(required).asString().isBlank()) {
				throw invalid(id, required + " is required");
			}
		}
		String authMode = raw.get("auth_mode").asString();
		if (!AUTH_MODES.contains(authMode)) {
			throw invalid(id, "unknown auth_mode " + authMode);
		}
		List<Field> fields = new ArrayList<>();
		Set<String> keys = new HashSet<>();
		for (JsonNode field : raw.path("fields")) {
			String key = field.path("key").asString("");
			if (!key.matches("[a-z][a-z0-9_]{0,63}") || !keys.add(key)) {
				throw invalid(id, "field key '" + key + "' is invalid or repeated");
			}
			boolean secret = field.path("secret").asBoolean("password".equals(field.path("type").asString("")));
			fields.add(new Field(key, field.path("label").asString(key), field.path("type").asString("text"),
					field.path("required").asBoolean(false), secret,
					field.hasNonNull("default") ? field.get("default").asString() : null));
		}
		JsonNode mcp = raw.path("mcp");
		String transport = mcp.path("transport").asString("");
		if (!TRANSPORTS.contains(transport)) {
			throw invalid(id, "mcp.transport must be one of " + TRANSPORTS);
		}
		if (transport.equals("stdio") ? !mcp.hasNonNull("command") : !mcp.hasNonNull("endpoint")) {
			throw invalid(id, "mcp needs " + (transport.equals("stdio") ? "a command" : "an endpoint"));
		}
		if (authMode.equals("byo_oauth")
				&& (!raw.path("oauth").hasNonNull("authorization_url") || !raw.path("oauth").hasNonNull("token_url")
						|| !keys.contains("client_id") || !keys.contains("client_secret"))) {
			throw invalid(id, "byo_oauth needs an oauth block and client_id/client_secret fields");
		}
		if (mcp.path("auth").hasNonNull("field") && !keys.contains(mcp.path("auth").get("field").asString())) {
			throw invalid(id, "mcp.auth.field names no field");
		}
		return new Manifest(id, raw.get("name").asString(), raw.get("version").asString(), authMode,
				List.copyOf(fields), raw);
	}

	private static IllegalStateException invalid(String id, String why) {
		return new IllegalStateException("Connector manifest " + id + " is invalid: " + why);
	}

}
