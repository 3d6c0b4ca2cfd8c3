package crewship.crew.connectors;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

import crewship.crew.crews.Crew;
import crewship.crew.crews.CrewService;
import crewship.crew.integrations.Integrations;
import crewship.crew.integrations.ServerRequests.CreateServer;
import crewship.crew.integrations.ServerRequests.Provisioning;
import crewship.crew.mcp.EndpointFence;
import crewship.crew.mcp.McpProperties;
import crewship.crew.mcp.OutboundHttp;
import crewship.crew.oauth.OAuthFlows;
import crewship.crew.vault.VaultCredentials;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifying and installing catalog connectors. Submitted secret fields go to the vault
 * the moment they are received (a credential per field, named after the integration); the
 * materialised MCP definition holds only {@code {{credential:NAME}}} references, so
 * nothing secret is stored by crew-service. An install that fails after the vault took
 * its credentials removes them again.
 */
@Service
@EnableConfigurationProperties(Connectors.ConnectorProperties.class)
public class Connectors {

	private static final Logger log = LoggerFactory.getLogger(Connectors.class);

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z][a-z0-9_]*)\\s*}}");

	private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "HEAD");

	/** Connection parameters a database probe passes on; anything else is ignored. */
	private static final Set<String> PG_PARAMETERS = Set.of("sslmode", "sslrootcert", "options", "target_session_attrs",
			"application_name");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * @param apiBaseUrls a connector's probe API base, overriding the manifest's
	 * {@code verify.api_base} (GitHub Enterprise; WireMock in tests), by connector id
	 */
	@ConfigurationProperties("crewship.connectors")
	public record ConnectorProperties(Map<String, URI> apiBaseUrls) {

		public ConnectorProperties {
			apiBaseUrls = (apiBaseUrls != null) ? Map.copyOf(apiBaseUrls) : Map.of();
		}

	}

	private final ConnectorCatalog catalog;

	private final ConnectorProperties properties;

	private final OutboundHttp http;

	private final EndpointFence fence;

	private final McpProperties mcpProperties;

	private final VaultCredentials vault;

	private final Integrations integrations;

	private final CrewService crews;

	private final OAuthFlows oauth;

	Connectors(ConnectorCatalog catalog, ConnectorProperties properties, OutboundHttp http, EndpointFence fence,
			McpProperties mcpProperties, VaultCredentials vault, Integrations integrations, CrewService crews,
			OAuthFlows oauth) {
		this.catalog = catalog;
		this.properties = properties;
		this.http = http;
		this.fence = fence;
		this.mcpProperties = mcpProperties;
		this.vault = vault;
		this.integrations = integrations;
		this.crews = crews;
		this.oauth = oauth;
	}

	ConnectorCatalog.Manifest manifest(String id) {
		return this.catalog.find(id).orElseThrow(() -> ProblemException.notFound("Connector not found"));
	}

	// --- verify

	/**
	 * One call against the provider with the submitted values: {@code ok: false} is the
	 * provider's refusal (or an unreachable provider), for the user to correct.
	 */
	public Map<String, Object> verify(String connectorId, Map<String, String> submitted) {
		ConnectorCatalog.Manifest manifest = manifest(connectorId);
		Map<String, String> values = values(manifest, submitted);
		if (!manifest.authMode().equals("pat") && !manifest.authMode().equals("conn_string")) {
			return result(true, "");
		}
		JsonNode verify = manifest.verify();
		List<String> secrets = secrets(manifest, values);
		if (verify.hasNonNull("http")) {
			return httpProbe(manifest, verify, values, secrets);
		}
		if (verify.hasNonNull("sql")) {
			return sqlProbe(values.get(verify.path("connection_field").asString("connection_string")),
					verify.get("sql").asString());
		}
		return result(true, "No probe is defined for this connector");
	}

	private Map<String, Object> httpProbe(ConnectorCatalog.Manifest manifest, JsonNode verify,
			Map<String, String> values, List<String> secrets) {
		URI override = this.properties.apiBaseUrls().get(manifest.id());
		Map<String, String> probeValues = new LinkedHashMap<>(values);
		String apiBase = (override != null) ? override.toString() : verify.path("api_base").asString(null);
		if (apiBase != null) {
			probeValues.put("api_base", apiBase.replaceAll("/+$", ""));
		}
		String[] line = verify.get("http").asString().trim().split("\\s+", 2);
		String method = (line.length == 2) ? line[0].toUpperCase(Locale.ROOT) : "GET";
		if (!HTTP_METHODS.contains(method)) {
			throw new IllegalStateException("Connector " + manifest.id() + " probes with " + method);
		}
		URI uri;
		try {
			uri = URI.create(render(line[line.length - 1], probeValues).replaceAll("(?<!:)/{2,}", "/"));
		}
		catch (IllegalArgumentException ex) {
			return result(false, "The submitted URL is not valid");
		}
		Map<String, String> headers = new LinkedHashMap<>();
		verify.path("headers")
			.properties()
			.forEach(header -> headers.put(header.getKey(), render(header.getValue().asString(), probeValues)));
		boolean operatorConfigured = override != null && uri.toString().startsWith(override.toString());
		try {
			OutboundHttp.Answer answer = this.http.send(method, uri, headers, null, null, !operatorConfigured);
			if (answer.ok()) {
				return result(true, "");
			}
			String cause = redact(answer.snippet(), secrets);
			return result(false,
					((answer.status() == 401 || answer.status() == 403)
							? "The provider rejected the credentials (HTTP " + answer.status() + ")"
							: "The provider answered HTTP " + answer.status()) + (cause.isEmpty() ? "" : ": " + cause));
		}
		catch (OutboundHttp.Unreachable ex) {
			return result(false, ex.getMessage());
		}
	}

	/** Connects with the submitted connection string and runs the manifest's query. */
	private Map<String, Object> sqlProbe(String connection, String sql) {
		if (connection == null) {
			return result(false, "No connection string");
		}
		URI uri;
		try {
			uri = URI.create(connection.trim());
		}
		catch (IllegalArgumentException ex) {
			return result(false, "Not a postgresql:// connection string");
		}
		if (!("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme())) || uri.getHost() == null) {
			return result(false, "Not a postgresql:// connection string");
		}
		Optional<String> refusal = this.fence.refusal(URI.create("http://" + uri.getHost()));
		if (refusal.isPresent()) {
			return result(false, "Refused: " + refusal.get());
		}
		Properties properties = new Properties();
		if (uri.getRawUserInfo() != null) {
			String[] userInfo = uri.getRawUserInfo().split(":", 2);
			properties.setProperty("user", URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8));
			if (userInfo.length == 2) {
				properties.setProperty("password", URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8));
			}
		}
		if (uri.getRawQuery() != null) {
			for (String pair : uri.getRawQuery().split("&")) {
				String[] kv = pair.split("=", 2);
				if (kv.length == 2 && PG_PARAMETERS.contains(kv[0])) {
					properties.setProperty(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
				}
			}
		}
		long connect = Math.max(1, this.mcpProperties.connectTimeout().toSeconds());
		long read = Math.max(1, this.mcpProperties.requestTimeout().toSeconds());
		properties.setProperty("connectTimeout", Long.toString(connect));
		properties.setProperty("loginTimeout", Long.toString(connect + read));
		properties.setProperty("socketTimeout", Long.toString(read));
		properties.setProperty("ApplicationName", "crewship-connector-verify");
		String url = "jdbc:postgresql://" + uri.getHost() + ":" + ((uri.getPort() > 0) ? uri.getPort() : 5432)
				+ ((uri.getRawPath() != null) ? uri.getRawPath() : "/");
		try (Connection db = new org.postgresql.Driver().connect(url, properties)) {
			if (db == null) {
				return result(false, "Not a postgresql:// connection string");
			}
			try (Statement statement = db.createStatement()) {
				statement.setQueryTimeout((int) read);
				statement.execute(sql);
			}
			return result(true, "");
		}
		catch (SQLException ex) {
			String message = redact(String.valueOf(ex.getMessage()),
					List.of(properties.getProperty("password", "\u0000")));
			return result(false, "The database refused: " + ((ex.getSQLState() != null) ? ex.getSQLState() + " " : "")
					+ message.substring(0, Math.min(200, message.length())));
		}
	}

	// --- install

	/**
	 * Materialises the connector as a workspace integration, or a crew integration with
	 * {@code crewId}.
	 */
	public Map<String, Object> install(Scope scope, String connectorId, String crewId, String name,
			Map<String, String> submitted) {
		ConnectorCatalog.Manifest manifest = manifest(connectorId);
		Map<String, String> values = values(manifest, submitted);
		Crew crew = (crewId != null && !crewId.isBlank()) ? this.crews.find(scope.workspaceId(), crewId) : null;
		String displayName = (name != null && !name.isBlank()) ? name.trim() : manifest.name();
		if (manifest.authMode().equals("byo_oauth") && !this.oauth.hasCallback()) {
			throw ProblemException.badRequest("This instance has no public URL (CREWSHIP_PUBLIC_URL) for the OAuth "
					+ "callback the provider must redirect to; nothing was installed");
		}
		List<String> created = new ArrayList<>();
		String integrationId = null;
		try {
			Map<String, String> rendered = new LinkedHashMap<>(values);
			String credentialId = null;
			String authStatus = null;
			if (manifest.authMode().equals("byo_oauth")) {
				JsonNode oauth = manifest.oauth();
				List<String> scopes = new ArrayList<>();
				oauth.path("scopes").forEach(scopeName -> scopes.add(scopeName.asString()));
				VaultCredentials.Credential client = this.vault.create(scope.workspaceId(), scope.userId(),
						new VaultCredentials.NewCredential(displayName + " OAuth", "OAUTH2",
								manifest.id().toUpperCase(Locale.ROOT), null,
								"OAuth app for the " + manifest.name() + " connector", null, values.get("client_id"),
								values.get("client_secret"), oauth.get("authorization_url").asString(),
								oauth.get("token_url").asString(), String.join(" ", scopes)));
				created.add(client.id());
				credentialId = client.id();
				authStatus = "pending";
				rendered.put("oauth_token", reference(client.name()));
				rendered.remove("client_secret");
			}
			else {
				for (ConnectorCatalog.Field field : manifest.fields()) {
					String value = values.get(field.key());
					if (!field.secret() || value == null || value.isEmpty()) {
						continue;
					}
					VaultCredentials.Credential credential = this.vault.create(scope.workspaceId(), scope.userId(),
							new VaultCredentials.NewCredential(displayName + " " + field.label(),
									manifest.authMode().equals("conn_string") ? "SECRET" : "API_KEY",
									manifest.id().toUpperCase(Locale.ROOT), value,
									"Installed with the " + manifest.name() + " connector", null, null, null, null,
									null, null));
					created.add(credential.id());
					rendered.put(field.key(), reference(credential.name()));
					String authField = manifest.mcp().path("auth").path("field").asString(null);
					if (field.key().equals(authField) || credentialId == null) {
						credentialId = credential.id();
					}
				}
				if (manifest.authMode().equals("mcp_oauth")) {
					authStatus = "pending";
				}
			}
			manifest.derived().forEach((key, template) -> rendered.put(key, render(template, rendered)));
			CreateServer definition = definition(manifest, rendered, displayName);
			JsonNode auth = manifest.mcp().path("auth");
			String credType = (credentialId != null) ? auth.path("type").asString("bearer") : null;
			Provisioning provisioning = new Provisioning(credentialId, credType, auth.path("header").asString(null),
					authStatus, "connector:" + manifest.id(), credentialId != null);
			integrationId = (crew == null)
					? this.integrations.createServer(scope, definition, provisioning, true).getId()
					: this.integrations.createCrewServer(scope, crew, definition, provisioning, true).getId();
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("integration_id", integrationId);
			if (manifest.authMode().equals("byo_oauth")) {
				answer.put("next_step", "oauth");
				answer.put("oauth_url",
						this.oauth.initiate(scope.workspaceId(), scope.userId(), credentialId, null, "connector")
							.authUrl());
			}
			else if (manifest.authMode().equals("mcp_oauth")) {
				answer.put("next_step", "mcp_oauth");
			}
			if (!created.isEmpty()) {
				answer.put("credential_ids", created);
			}
			return answer;
		}
		catch (RuntimeException ex) {
			// once the integration exists it owns its credentials (its delete removes
			// them)
			if (integrationId == null) {
				forget(scope, created);
			}
			throw ex;
		}
	}

	private static CreateServer definition(ConnectorCatalog.Manifest manifest, Map<String, String> values,
			String displayName) {
		JsonNode mcp = manifest.mcp();
		List<String> args = new ArrayList<>();
		mcp.path("args").forEach(arg -> args.add(render(arg.asString(), values)));
		Map<String, String> env = new LinkedHashMap<>();
		mcp.path("env").properties().forEach(entry -> {
			String value = render(entry.getValue().asString(), values);
			if (!value.isBlank()) {
				env.put(entry.getKey(), value);
			}
		});
		Map<String, String> headers = new LinkedHashMap<>();
		mcp.path("headers")
			.properties()
			.forEach(entry -> headers.put(entry.getKey(), render(entry.getValue().asString(), values)));
		return new CreateServer(manifest.id(), displayName, mcp.get("transport").asString(),
				mcp.hasNonNull("endpoint") ? render(mcp.get("endpoint").asString(), values) : null,
				mcp.hasNonNull("command") ? mcp.get("command").asString() : null,
				args.isEmpty() ? null : JSON.writeValueAsString(args),
				env.isEmpty() ? null : JSON.writeValueAsString(env),
				headers.isEmpty() ? null : JSON.writeValueAsString(Map.of("headers", headers)),
				manifest.raw().path("brand").path("logo").asString(manifest.id()), null);
	}

	private void forget(Scope scope, List<String> credentialIds) {
		for (String credentialId : credentialIds) {
			try {
				this.vault.delete(scope.workspaceId(), credentialId, scope.userId());
			}
			catch (RuntimeException ex) {
				log.warn("Could not remove credential {} of a failed connector install: {}", credentialId,
						ex.getMessage());
			}
		}
	}

	// --- shared

	/**
	 * The submitted values with the manifest's defaults, checked for the required ones.
	 */
	private static Map<String, String> values(ConnectorCatalog.Manifest manifest, Map<String, String> submitted) {
		Map<String, String> given = (submitted != null) ? submitted : Map.of();
		Map<String, String> values = new LinkedHashMap<>();
		for (ConnectorCatalog.Field field : manifest.fields()) {
			String value = given.get(field.key());
			if (value == null || value.isBlank()) {
				value = field.defaultValue();
			}
			if (value == null || value.isBlank()) {
				if (field.required()) {
					throw ProblemException.badRequest("Field '" + field.key() + "' is required");
				}
				continue;
			}
			if (value.length() > 8192) {
				throw ProblemException.badRequest("Field '" + field.key() + "' exceeds 8192 characters");
			}
			values.put(field.key(), field.type().equals("url") ? value.trim().replaceAll("/+$", "") : value);
		}
		Map<String, String> derived = new LinkedHashMap<>(values);
		manifest.derived().forEach((key, template) -> derived.put(key, render(template, derived)));
		return derived;
	}

	private static List<String> secrets(ConnectorCatalog.Manifest manifest, Map<String, String> values) {
		return manifest.fields()
			.stream()
			.filter(ConnectorCatalog.Field::secret)
			.map(field -> values.get(field.key()))
			.filter(value -> value != null && value.length() >= 4)
			.toList();
	}

	static String render(String template, Map<String, String> values) {
		Matcher matcher = PLACEHOLDER.matcher(template);
		StringBuilder out = new StringBuilder();
		while (matcher.find()) {
			String value = values.get(matcher.group(1));
			matcher.appendReplacement(out, Matcher.quoteReplacement((value != null) ? value : ""));
		}
		matcher.appendTail(out);
		return out.toString();
	}

	private static String reference(String credentialName) {
		return "{{credential:" + credentialName + "}}";
	}

	private static String redact(String text, List<String> secrets) {
		String redacted = text;
		for (String secret : secrets) {
			if (secret != null && !secret.isEmpty()) {
				redacted = redacted.replace(secret, "***");
			}
		}
		return redacted;
	}

	private static Map<String, Object> result(boolean ok, String message) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("ok", ok);
		result.put("message", message);
		return result;
	}

}
