package crewship.crew.integrations;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * credential-vault-service's integration-credential and OAuth routes as crew-service
 * calls them on the internal listener (the real vault cannot run in this JVM; its own
 * tests cover these routes, and the system tests drive crew-service against it). Values
 * live in this map, which is how tests check that crew-service handed a secret to the
 * vault — and kept none itself.
 */
public final class FakeVault implements HttpHandler {

	private static final Pattern CREDENTIAL = Pattern.compile("/api/v1/internal/credentials(?:/([^/]+))?(/.*)?");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Credentials by id: workspace_id, name, type, value, oauth fields, ... */
	public static final Map<String, Map<String, Object>> credentials = new ConcurrentHashMap<>();

	/** Authorizations opened: state_id → credential id. */
	public static final Map<String, String> authorizations = new ConcurrentHashMap<>();

	/** Exchange requests as received. */
	public static final List<JsonNode> exchanges = Collections.synchronizedList(new ArrayList<>());

	/** While set, every route answers 503 as the gateway's fallback does. */
	public static final AtomicBoolean down = new AtomicBoolean();

	/** A credential of the workspace with this value, as a person would store it. */
	public static String put(String workspaceId, String name, String type, String value) {
		String id = "cred_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
		Map<String, Object> credential = new LinkedHashMap<>();
		credential.put("id", id);
		credential.put("workspace_id", workspaceId);
		credential.put("name", name);
		credential.put("type", type);
		credential.put("provider", "NONE");
		credential.put("status", value != null ? "ACTIVE" : "PENDING");
		credential.put("value", value);
		credentials.put(id, credential);
		return id;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		Matcher matcher = CREDENTIAL.matcher(exchange.getRequestURI().getPath());
		if (!matcher.matches()) {
			respond(exchange, 404, Map.of("status", 404));
			return;
		}
		if (down.get()) {
			exchange.getResponseHeaders().set("Retry-After", "5");
			respond(exchange, 503, Map.of("status", 503, "detail", "credential-vault-service is unavailable"));
			return;
		}
		Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
		String method = exchange.getRequestMethod();
		String id = matcher.group(1);
		String rest = matcher.group(2);
		byte[] raw = exchange.getRequestBody().readAllBytes();
		JsonNode body = (raw.length > 0) ? JSON.readTree(raw) : JSON.createObjectNode();
		if (id == null && method.equals("POST")) {
			create(exchange, body);
			return;
		}
		Map<String, Object> credential = (id != null) ? credentials.get(id) : null;
		String workspaceId = query.getOrDefault("workspace_id", body.path("workspace_id").asString(null));
		if (credential == null || !credential.get("workspace_id").equals(workspaceId)) {
			respond(exchange, 404, Map.of("status", 404, "detail", "Credential not found"));
			return;
		}
		if (rest == null && method.equals("GET")) {
			respond(exchange, 200, describe(credential));
		}
		else if (rest == null && method.equals("DELETE")) {
			credentials.remove(id);
			respond(exchange, 204, null);
		}
		else if ("/value".equals(rest)) {
			if (credential.get("value") == null || !"ACTIVE".equals(credential.get("status"))) {
				respond(exchange, 409, Map.of("status", 409, "detail", "Credential is not delivered"));
				return;
			}
			Map<String, Object> value = new LinkedHashMap<>();
			value.put("credential_id", id);
			value.put("name", credential.get("name"));
			value.put("type", credential.get("type"));
			value.put("username", credential.get("username"));
			value.put("value", credential.get("value"));
			respond(exchange, 200, value);
		}
		else if ("/oauth/authorize".equals(rest)) {
			authorizations.put(body.get("state_id").asString(), id);
			String url = credential.get("oauth_auth_url") + "?response_type=code&client_id="
					+ credential.get("oauth_client_id") + "&state=" + body.get("state").asString()
					+ "&code_challenge_method=S256&redirect_uri=" + body.get("redirect_uri").asString();
			respond(exchange, 200, Map.of("auth_url", url));
		}
		else if ("/oauth/exchange".equals(rest)) {
			exchanges.add(body);
			String stateId = body.path("state_id").asString(null);
			if (stateId != null && !id.equals(authorizations.remove(stateId))) {
				respond(exchange, 400,
						Map.of("status", 400, "detail", "The OAuth authorization is unknown or was already used"));
				return;
			}
			credential.put("value", "access-token-for-" + body.get("code").asString());
			credential.put("status", "ACTIVE");
			respond(exchange, 200, Map.of("status", "ok", "credential_id", id));
		}
		else {
			respond(exchange, 404, Map.of("status", 404));
		}
	}

	private static void create(HttpExchange exchange, JsonNode body) throws IOException {
		String workspaceId = body.get("workspace_id").asString();
		String name = body.get("name").asString();
		String base = name;
		for (int n = 2; nameTaken(workspaceId, name); n++) {
			name = base + " (" + n + ")";
		}
		String id = put(workspaceId, name, body.path("type").asString("SECRET"),
				body.hasNonNull("value") ? body.get("value").asString() : null);
		Map<String, Object> credential = credentials.get(id);
		for (String field : List.of("provider", "username", "oauth_client_id", "oauth_client_secret", "oauth_auth_url",
				"oauth_token_url", "oauth_scopes", "description")) {
			if (body.hasNonNull(field)) {
				credential.put(field, body.get(field).asString());
			}
		}
		if ("OAUTH2".equals(credential.get("type")) && credential.get("value") == null) {
			credential.put("status", "PENDING");
		}
		respond(exchange, 201, describe(credential));
	}

	private static boolean nameTaken(String workspaceId, String name) {
		return credentials.values()
			.stream()
			.anyMatch(credential -> credential.get("workspace_id").equals(workspaceId)
					&& credential.get("name").equals(name));
	}

	private static Map<String, Object> describe(Map<String, Object> credential) {
		Map<String, Object> view = new LinkedHashMap<>();
		for (String field : List.of("id", "workspace_id", "name", "type", "provider", "status", "username")) {
			view.put(field, credential.get(field));
		}
		Map<String, Object> oauth = new LinkedHashMap<>();
		oauth.put("client_id", credential.get("oauth_client_id"));
		oauth.put("auth_url", credential.get("oauth_auth_url"));
		oauth.put("token_url", credential.get("oauth_token_url"));
		oauth.put("scopes", credential.get("oauth_scopes"));
		view.put("oauth", oauth);
		return view;
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> values = new LinkedHashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				int eq = pair.indexOf('=');
				if (eq > 0) {
					values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
							URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return values;
	}

	private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
		if (body == null) {
			exchange.sendResponseHeaders(status, -1);
			exchange.close();
			return;
		}
		byte[] bytes = JSON.writeValueAsBytes(body);
		exchange.getResponseHeaders()
			.set("Content-Type", (status >= 400) ? "application/problem+json" : "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

}
