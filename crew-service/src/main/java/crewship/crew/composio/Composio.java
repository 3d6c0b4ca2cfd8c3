package crewship.crew.composio;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.crew.integrations.AgentIntegrations;
import crewship.crew.integrations.AgentRefs;
import crewship.crew.integrations.Integrations;
import crewship.crew.integrations.ServerDefinition;
import crewship.crew.integrations.ServerRequests.CreateServer;
import crewship.crew.integrations.ServerRequests.Provisioning;
import crewship.crew.vault.VaultCredentials;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * Composio, the managed-integration provider: its catalog and a workspace's connected
 * accounts, triggers, Connect Links, the workspace's own API key (validated, then sealed
 * in the vault — the effective key is the workspace's, else the instance's
 * {@code COMPOSIO_API_KEY}), the default connector and per-agent, per-app bindings, each
 * of which provisions a tool-scoped Composio MCP server as a workspace integration bound
 * to the agent. Reads without a key answer {@code enabled: false}; changes without one
 * are 400.
 */
@Service
public class Composio {

	static final int MAX_LIMIT = 100;

	static final int DEFAULT_LIMIT = 40;

	/** Tool slugs with a read verb (conservative: an unknown verb is not a read). */
	static final Pattern READ_VERB = Pattern
		.compile("(^|_)(GET|LIST|FETCH|SEARCH|READ|FIND|QUERY|RETRIEVE|VIEW|DESCRIBE|LOOKUP)(_|$)");

	private static final Logger log = LoggerFactory.getLogger(Composio.class);

	private final ComposioClient client;

	private final VaultCredentials vault;

	private final JdbcTemplate jdbc;

	private final Integrations integrations;

	private final AgentIntegrations agentIntegrations;

	private final AgentRefs agents;

	private final AuditTrail audit;

	private final TransactionTemplate transactions;

	Composio(ComposioClient client, VaultCredentials vault, JdbcTemplate jdbc, Integrations integrations,
			AgentIntegrations agentIntegrations, AgentRefs agents, AuditTrail audit,
			PlatformTransactionManager transactions) {
		this.client = client;
		this.vault = vault;
		this.jdbc = jdbc;
		this.integrations = integrations;
		this.agentIntegrations = agentIntegrations;
		this.agents = agents;
		this.audit = audit;
		this.transactions = new TransactionTemplate(transactions);
	}

	/** The workspace's settings row. */
	record Settings(String credentialId, String label, String defaultUserId, String defaultServerId,
			String connectorCredentialId) {
	}

	private Optional<Settings> settings(String workspaceId) {
		return this.jdbc
			.query("""
					select credential_id, label, default_user_id, default_mcp_server_id, connector_credential_id
					  from composio_settings where workspace_id = ?
					""",
					(rs, n) -> new Settings(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
							rs.getString(5)),
					workspaceId)
			.stream()
			.findFirst();
	}

	/** The effective key: the workspace's (from the vault), else the instance's. */
	private Optional<String> key(String workspaceId) {
		Optional<Settings> settings = settings(workspaceId);
		if (settings.isPresent() && settings.get().credentialId() != null) {
			return this.vault.value(workspaceId, settings.get().credentialId()).map(VaultCredentials.Secret::value);
		}
		return Optional.ofNullable(this.client.properties().apiKey());
	}

	private String requireKey(String workspaceId) {
		return key(workspaceId).orElseThrow(() -> ProblemException
			.badRequest("Composio is not configured: set the workspace's API key or COMPOSIO_API_KEY"));
	}

	// --- reads

	Map<String, Object> inventory(Scope scope) {
		Optional<String> key = key(scope.workspaceId());
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("enabled", key.isPresent());
		if (key.isEmpty()) {
			answer.put("auth_configs", List.of());
			answer.put("users", List.of());
			return answer;
		}
		answer.put("auth_configs",
				items(upstream(() -> this.client.get(key.get(), "/api/v3/auth_configs", Map.of("limit", MAX_LIMIT)))));
		Map<String, List<JsonNode>> byUser = new TreeMap<>();
		for (JsonNode account : connectedAccounts(key.get())) {
			byUser.computeIfAbsent(account.path("user_id").asString(""), user -> new ArrayList<>()).add(account);
		}
		List<Map<String, Object>> users = new ArrayList<>();
		byUser.forEach((user, accounts) -> users.add(Map.of("user_id", user, "connected_accounts", accounts)));
		answer.put("users", users);
		return answer;
	}

	Map<String, Object> toolkits(Scope scope, String search, String category, Integer limit) {
		return listing(scope, "/api/v3/toolkits", "toolkits",
				query("search", search, "category", category, "limit", limit(limit)));
	}

	Map<String, Object> tools(Scope scope, String toolkit, String search, Integer limit) {
		if (toolkit == null || toolkit.isBlank()) {
			throw ProblemException.badRequest("toolkit is required");
		}
		return listing(scope, "/api/v3/tools", "tools",
				query("toolkit_slug", toolkit, "search", search, "limit", limit(limit)));
	}

	Map<String, Object> triggers(Scope scope, String toolkit, String search, Integer limit) {
		return listing(scope, "/api/v3/triggers_types", "triggers",
				query("toolkit_slugs", toolkit, "search", search, "limit", limit(limit)));
	}

	Map<String, Object> activeTriggers(Scope scope) {
		Optional<String> key = key(scope.workspaceId());
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("enabled", key.isPresent());
		answer.put("triggers", key.isEmpty() ? List.of() : items(upstream(
				() -> this.client.get(key.get(), "/api/v3/trigger_instances/active", Map.of("limit", MAX_LIMIT)))));
		return answer;
	}

	private Map<String, Object> listing(Scope scope, String path, String field, Map<String, Object> query) {
		Optional<String> key = key(scope.workspaceId());
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("enabled", key.isPresent());
		if (key.isEmpty()) {
			answer.put("total", 0);
			answer.put(field, List.of());
			return answer;
		}
		JsonNode page = upstream(() -> this.client.get(key.get(), path, query));
		List<JsonNode> items = items(page);
		answer.put("total", page.path("total_items").asInt(page.path("total").asInt(items.size())));
		answer.put(field, items);
		return answer;
	}

	// --- changes on Composio's side

	Map<String, Object> createTrigger(Scope scope, String slug, String userId, JsonNode config) {
		if (slug == null || slug.isBlank() || userId == null || userId.isBlank()) {
			throw ProblemException.badRequest("slug and user_id are required");
		}
		String key = requireKey(scope.workspaceId());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("user_id", userId);
		body.put("trigger_config", (config != null) ? config : Map.of());
		JsonNode created = upstream(
				() -> this.client.post(key, "/api/v3/trigger_instances/" + segment(slug) + "/upsert", body));
		Map<String, Object> trigger = new LinkedHashMap<>();
		trigger.put("id", created.path("trigger_id").asString(created.path("id").asString("")));
		trigger.put("trigger_name", slug);
		trigger.put("user_id", userId);
		trigger.put("trigger_config", (config != null) ? config : Map.of());
		audit(scope, "composio.trigger_created", slug, Map.of("trigger_name", slug, "user_id", userId));
		return Map.of("enabled", true, "trigger", trigger);
	}

	Map<String, Object> connect(Scope scope, String toolkit, String userId) {
		if (toolkit == null || toolkit.isBlank() || userId == null || userId.isBlank()) {
			throw ProblemException.badRequest("toolkit and user_id are required");
		}
		String key = requireKey(scope.workspaceId());
		String authConfig = authConfigOf(key, toolkit).orElseGet(() -> {
			JsonNode created = upstream(() -> this.client.post(key, "/api/v3/auth_configs", Map.of("toolkit",
					Map.of("slug", toolkit), "auth_config", Map.of("type", "use_composio_managed_auth"))));
			return created.path("auth_config").path("id").asString(created.path("id").asString(null));
		});
		if (authConfig == null) {
			throw new ProblemException(HttpStatus.BAD_GATEWAY, "Composio created no auth config for " + toolkit);
		}
		JsonNode link = upstream(() -> this.client.post(key, "/api/v3/connected_accounts/link",
				Map.of("auth_config_id", authConfig, "user_id", userId)));
		audit(scope, "composio.connect_started", toolkit, Map.of("toolkit", toolkit, "user_id", userId));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("redirect_url", link.path("redirect_url").asString(""));
		answer.put("connected_account_id", link.path("connected_account_id").asString(link.path("id").asString("")));
		answer.put("user_id", userId);
		return answer;
	}

	void account(Scope scope, String accountId, String action) {
		String key = requireKey(scope.workspaceId());
		String path = "/api/v3/connected_accounts/" + segment(accountId);
		upstream(() -> switch (action) {
			case "revoke" -> this.client.patch(key, path + "/status", Map.of("enabled", false));
			case "refresh" -> this.client.post(key, path + "/refresh", Map.of());
			default -> this.client.delete(key, path);
		});
		audit(scope, "composio.account_" + action, accountId, Map.of("connected_account_id", accountId));
	}

	// --- settings

	Map<String, Object> settingsView(Scope scope) {
		Optional<Settings> settings = settings(scope.workspaceId());
		Map<String, Object> view = new LinkedHashMap<>();
		if (settings.isPresent() && settings.get().credentialId() != null) {
			view.put("configured", true);
			view.put("source", "workspace");
			view.put("label", (settings.get().label() != null) ? settings.get().label() : "");
		}
		else {
			boolean env = this.client.properties().apiKey() != null;
			view.put("configured", env);
			view.put("source", env ? "env" : "none");
			view.put("label", "");
		}
		return view;
	}

	/** Checks the key with Composio, then seals it in the vault and keeps its id. */
	Map<String, Object> putKey(Scope scope, String apiKey, String label) {
		if (apiKey == null || apiKey.isBlank() || apiKey.length() > 512) {
			throw ProblemException.badRequest("api_key is required");
		}
		try {
			this.client.get(apiKey.trim(), "/api/v3/auth_configs", Map.of("limit", 1));
		}
		catch (ComposioClient.Refused ex) {
			if (ex.status == 401 || ex.status == 403) {
				throw ProblemException.badRequest("Composio rejected the API key (HTTP " + ex.status + ")");
			}
			throw new ProblemException(HttpStatus.BAD_GATEWAY, ex.getMessage());
		}
		VaultCredentials.Credential credential = this.vault.create(scope.workspaceId(), scope.userId(),
				new VaultCredentials.NewCredential("Composio API key", "API_KEY", "COMPOSIO", apiKey.trim(),
						"The workspace's Composio key, set through the integrations settings", null, null, null, null,
						null, null));
		String previous = this.transactions.execute(status -> {
			String old = settings(scope.workspaceId()).map(Settings::credentialId).orElse(null);
			this.jdbc.update("""
					insert into composio_settings (workspace_id, credential_id, label, updated_at) values (?, ?, ?, ?)
					on conflict (workspace_id) do update set credential_id = excluded.credential_id,
					       label = excluded.label, updated_at = excluded.updated_at
					""", scope.workspaceId(), credential.id(), (label != null) ? label.trim() : null,
					Timestamp.from(Timestamps.now()));
			audit(scope, "composio.settings_updated", scope.workspaceId(), Map.of("source", "workspace"));
			return old;
		});
		forget(scope, previous);
		return settingsView(scope);
	}

	Map<String, Object> deleteKey(Scope scope) {
		String previous = this.transactions.execute(status -> {
			String old = settings(scope.workspaceId()).map(Settings::credentialId).orElse(null);
			this.jdbc.update("update composio_settings set credential_id = null, label = null, updated_at = now() "
					+ "where workspace_id = ?", scope.workspaceId());
			audit(scope, "composio.settings_deleted", scope.workspaceId(), Map.of());
			return old;
		});
		forget(scope, previous);
		return settingsView(scope);
	}

	// --- default connector

	Map<String, Object> defaultView(Scope scope) {
		Optional<Settings> settings = settings(scope.workspaceId());
		Optional<String> key = key(scope.workspaceId());
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("enabled_flag", this.client.properties().defaultConnector());
		view.put("default_user_id", settings.map(Settings::defaultUserId).orElse(""));
		view.put("default_mcp_server_id", settings.map(Settings::defaultServerId).orElse(""));
		view.put("connected_user_count", key.isPresent() ? connectedUsers(key.get()).size() : 0);
		return view;
	}

	/**
	 * Provisions (or re-points) the workspace's default Composio server for one user's
	 * connected apps; idempotent.
	 */
	Map<String, Object> putDefault(Scope scope, String userId) {
		String key = requireKey(scope.workspaceId());
		Map<String, Set<String>> users = connectedUsers(key);
		String user = userId;
		if (user == null || user.isBlank()) {
			if (users.isEmpty()) {
				throw ProblemException.badRequest("No Composio user has a connected account: connect an account first");
			}
			if (users.size() > 1) {
				throw ProblemException
					.badRequest("Several Composio users have connected accounts; pin one with user_id");
			}
			user = users.keySet().iterator().next();
		}
		Set<String> authConfigs = users.getOrDefault(user, Set.of());
		if (authConfigs.isEmpty()) {
			throw ProblemException.badRequest("Composio user " + user + " has no connected account");
		}
		String endpoint = mcpServer(key, "crewship-default", List.copyOf(authConfigs), List.of(), user);
		String credentialId = connectorCredential(scope, key);
		Optional<Settings> settings = settings(scope.workspaceId());
		if (settings.isPresent() && settings.get().defaultServerId() != null) {
			try {
				this.integrations.deleteProvisioned(scope, settings.get().defaultServerId());
			}
			catch (ProblemException ex) {
				// already gone
			}
		}
		String serverId = this.integrations
			.createServer(scope,
					new CreateServer("composio-default", "Composio (default)", ServerDefinition.STREAMABLE_HTTP,
							endpoint, null, null, null, null, "composio", null),
					new Provisioning(credentialId, "api_key", "x-api-key", null, "composio", false), true)
			.getId();
		String pinned = user;
		this.transactions.executeWithoutResult(status -> {
			this.jdbc.update("""
					insert into composio_settings (workspace_id, default_user_id, default_mcp_server_id, updated_at)
					values (?, ?, ?, now())
					on conflict (workspace_id) do update set default_user_id = excluded.default_user_id,
					       default_mcp_server_id = excluded.default_mcp_server_id, updated_at = now()
					""", scope.workspaceId(), pinned, serverId);
			audit(scope, "composio.default_updated", serverId, Map.of("user_id", pinned));
		});
		return defaultView(scope);
	}

	// --- agent bindings

	record App(String toolkit, String mode, List<String> tools) {
	}

	Map<String, Object> bindings(Scope scope, String agentRef) {
		AgentRefs.AgentRef agent = this.agents.require(scope.workspaceId(), agentRef);
		List<Map<String, Object>> bindings = this.jdbc.query("""
				select toolkit, mode, user_id, endpoint from composio_agent_app where agent_id = ? and workspace_id = ?
				 order by toolkit
				""", (rs, n) -> {
			Map<String, Object> binding = new LinkedHashMap<>();
			binding.put("toolkit", rs.getString(1));
			binding.put("mode", rs.getString(2));
			binding.put("user_id", rs.getString(3));
			binding.put("endpoint", rs.getString(4));
			return binding;
		}, agent.id(), scope.workspaceId());
		return Map.of("agent_id", agent.id(), "bindings", bindings);
	}

	/**
	 * Replaces the agent's Composio apps: each app gets a tool-scoped Composio MCP
	 * server, a workspace integration pointing at its per-user URL and an agent binding;
	 * apps no longer listed are removed.
	 */
	Map<String, Object> bind(Scope scope, String agentRef, String userId, List<App> requested) {
		if (userId == null || userId.isBlank()) {
			throw ProblemException.badRequest("user_id is required");
		}
		AgentRefs.AgentRef agent = this.agents.require(scope.workspaceId(), agentRef);
		String key = requireKey(scope.workspaceId());
		Map<String, String> accounts = new LinkedHashMap<>();
		for (JsonNode account : connectedAccounts(key)) {
			if (userId.equals(account.path("user_id").asString())
					&& !"INACTIVE".equals(account.path("status").asString())) {
				accounts.putIfAbsent(account.path("toolkit").path("slug").asString(),
						account.path("auth_config").path("id").asString());
			}
		}
		List<App> apps = (requested != null && !requested.isEmpty()) ? requested
				: accounts.keySet().stream().map(toolkit -> new App(toolkit, "full", List.of())).toList();
		if (apps.isEmpty()) {
			throw ProblemException.badRequest("User " + userId + " has no connected apps to bind");
		}
		Map<String, App> byToolkit = new LinkedHashMap<>();
		for (App app : apps) {
			String mode = (app.mode() != null) ? app.mode().toLowerCase(Locale.ROOT) : "full";
			if (!Set.of("full", "read", "custom").contains(mode) || app.toolkit() == null || app.toolkit().isBlank()) {
				throw ProblemException.badRequest("Each app needs a toolkit and a mode of full, read or custom");
			}
			if (!accounts.containsKey(app.toolkit())) {
				throw ProblemException.badRequest("User " + userId + " has no connected account for " + app.toolkit());
			}
			byToolkit.put(app.toolkit(), new App(app.toolkit(), mode, (app.tools() != null) ? app.tools() : List.of()));
		}
		// resolve every app's tool set before changing anything
		Map<String, List<String>> allowed = new LinkedHashMap<>();
		for (App app : byToolkit.values()) {
			List<String> tools = switch (app.mode()) {
				case "read" ->
					toolSlugs(key, app.toolkit()).stream().filter(slug -> READ_VERB.matcher(slug).find()).toList();
				case "custom" -> {
					Set<String> real = new LinkedHashSet<>(toolSlugs(key, app.toolkit()));
					yield app.tools().stream().filter(real::contains).distinct().toList();
				}
				default -> List.of();
			};
			if (!app.mode().equals("full") && tools.isEmpty()) {
				throw ProblemException.badRequest("No tools resolve for " + app.toolkit() + " in mode " + app.mode());
			}
			allowed.put(app.toolkit(), tools);
		}
		String credentialId = connectorCredential(scope, key);
		unbind(scope, agent, null);
		List<Map<String, Object>> bound = new ArrayList<>();
		for (App app : byToolkit.values()) {
			String endpoint = mcpServer(key, "crewship-" + agent.slug() + "-" + app.toolkit(),
					List.of(accounts.get(app.toolkit())), allowed.get(app.toolkit()), userId);
			String serverId = this.integrations.createServer(scope,
					new CreateServer(
							("composio-" + agent.slug() + "-" + app.toolkit()).replaceAll("[^A-Za-z0-9._-]", "-"),
							"Composio " + app.toolkit() + " (" + agent.name() + ")", ServerDefinition.STREAMABLE_HTTP,
							endpoint, null, null, null,
							allowed.get(app.toolkit()).isEmpty() ? null
									: crewship.crew.integrations.IntegrationViews
										.json(Map.of("allowed_tools", allowed.get(app.toolkit()))),
							"composio", null),
					new Provisioning(credentialId, "api_key", "x-api-key", null, "composio", false), true)
				.getId();
			this.agentIntegrations.bind(scope, agent.id(), new AgentIntegrations.CreateBinding(serverId, "workspace",
					credentialId, "api_key", "x-api-key", null, true, null), "composio");
			this.jdbc.update("""
					insert into composio_agent_app (id, workspace_id, agent_id, user_id, toolkit, mode, allowed_tools,
					       endpoint, mcp_server_id, created_at)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, now())
					""", Cuid.next(), scope.workspaceId(), agent.id(), userId, app.toolkit(), app.mode(),
					String.join(",", allowed.get(app.toolkit())), endpoint, serverId);
			bound.add(Map.of("toolkit", app.toolkit(), "mode", app.mode(), "endpoint", endpoint));
		}
		return Map.of("agent_id", agent.id(), "user_id", userId, "apps", bound);
	}

	Map<String, Object> unbind(Scope scope, String agentRef, String toolkit) {
		unbind(scope, this.agents.require(scope.workspaceId(), agentRef), toolkit);
		return Map.of("status", "deleted");
	}

	private void unbind(Scope scope, AgentRefs.AgentRef agent, String toolkit) {
		List<String> servers = this.jdbc.queryForList("""
				select mcp_server_id from composio_agent_app where agent_id = ? and workspace_id = ?
				   and (cast(? as varchar) is null or toolkit = ?)
				""", String.class, agent.id(), scope.workspaceId(), toolkit, toolkit);
		for (String serverId : servers) {
			try {
				this.integrations.deleteProvisioned(scope, serverId); // its binding and
																		// app row go with
																		// it
			}
			catch (ProblemException ex) {
				this.jdbc.update("delete from composio_agent_app where mcp_server_id = ?", serverId);
			}
		}
	}

	// --- Composio lookups

	private List<JsonNode> connectedAccounts(String key) {
		List<JsonNode> accounts = new ArrayList<>();
		String cursor = null;
		for (int page = 0; page < 20; page++) {
			String next = cursor;
			JsonNode answer = upstream(() -> this.client.get(key, "/api/v3/connected_accounts",
					query("limit", MAX_LIMIT, "cursor", next)));
			accounts.addAll(items(answer));
			JsonNode following = answer.path("next_cursor");
			cursor = (following.isString() && !following.asString().isBlank()) ? following.asString() : null;
			if (cursor == null) {
				break;
			}
		}
		return accounts;
	}

	/**
	 * Users with at least one active connected account, and their accounts' auth configs.
	 */
	private Map<String, Set<String>> connectedUsers(String key) {
		Map<String, Set<String>> users = new TreeMap<>();
		for (JsonNode account : connectedAccounts(key)) {
			if (!"INACTIVE".equals(account.path("status").asString())) {
				users.computeIfAbsent(account.path("user_id").asString(""), user -> new LinkedHashSet<>())
					.add(account.path("auth_config").path("id").asString());
			}
		}
		return users;
	}

	private Optional<String> authConfigOf(String key, String toolkit) {
		return items(upstream(
				() -> this.client.get(key, "/api/v3/auth_configs", query("toolkit_slug", toolkit, "limit", MAX_LIMIT))))
			.stream()
			.filter(config -> toolkit.equals(config.path("toolkit").path("slug").asString()))
			.map(config -> config.path("id").asString())
			.findFirst();
	}

	private List<String> toolSlugs(String key, String toolkit) {
		List<String> slugs = new ArrayList<>();
		for (JsonNode tool : items(
				upstream(() -> this.client.get(key, "/api/v3/tools", query("toolkit_slug", toolkit, "limit", 1000))))) {
			slugs.add(tool.path("slug").asString());
		}
		return slugs;
	}

	/** A Composio MCP server for the auth configs and tools; answers the user's URL. */
	private String mcpServer(String key, String name, List<String> authConfigs, List<String> tools, String user) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", name);
		body.put("auth_config_ids", authConfigs);
		body.put("allowed_tools", tools);
		JsonNode server = upstream(() -> this.client.post(key, "/api/v3/mcp/servers", body));
		String url = server.path("mcp_url").asString(null);
		if (url == null || !url.startsWith("https://") && !url.startsWith("http://")) {
			throw new ProblemException(HttpStatus.BAD_GATEWAY, "Composio answered no MCP URL");
		}
		return url + (url.contains("?") ? "&" : "?") + "user_id="
				+ java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8);
	}

	/**
	 * The vault credential provisioned servers authenticate with: the workspace's key
	 * credential, or a vault copy of the instance's key made once.
	 */
	private String connectorCredential(Scope scope, String key) {
		Optional<Settings> settings = settings(scope.workspaceId());
		if (settings.isPresent() && settings.get().credentialId() != null) {
			return settings.get().credentialId();
		}
		if (settings.isPresent() && settings.get().connectorCredentialId() != null
				&& this.vault.find(scope.workspaceId(), settings.get().connectorCredentialId()).isPresent()) {
			return settings.get().connectorCredentialId();
		}
		VaultCredentials.Credential copy = this.vault.create(scope.workspaceId(), scope.userId(),
				new VaultCredentials.NewCredential("Composio API key (instance)", "API_KEY", "COMPOSIO", key,
						"The instance's Composio key, for the workspace's Composio MCP servers", null, null, null, null,
						null, null));
		this.jdbc.update("""
				insert into composio_settings (workspace_id, connector_credential_id, updated_at) values (?, ?, now())
				on conflict (workspace_id) do update set connector_credential_id = excluded.connector_credential_id
				""", scope.workspaceId(), copy.id());
		return copy.id();
	}

	// --- shared

	private <T> T upstream(java.util.function.Supplier<T> call) {
		try {
			return call.get();
		}
		catch (ComposioClient.Refused ex) {
			throw new ProblemException(HttpStatus.BAD_GATEWAY, ex.getMessage());
		}
	}

	private static List<JsonNode> items(JsonNode answer) {
		JsonNode items = answer.isArray() ? answer : answer.has("items") ? answer.get("items") : answer.path("data");
		List<JsonNode> list = new ArrayList<>();
		if (items.isArray()) {
			items.forEach(item -> {
				if (item.isObject()) {
					list.add(item);
				}
			});
		}
		return list;
	}

	private static int limit(Integer limit) {
		if (limit == null) {
			return DEFAULT_LIMIT;
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			throw ProblemException.badRequest("limit must be between 1 and " + MAX_LIMIT);
		}
		return limit;
	}

	private static Map<String, Object> query(Object... pairs) {
		Map<String, Object> query = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i + 1] != null) {
				query.put((String) pairs[i], pairs[i + 1]);
			}
		}
		return query;
	}

	private static String segment(String value) {
		if (value == null || !value.matches("[A-Za-z0-9_.:-]{1,200}")) {
			throw ProblemException.badRequest("Not a valid Composio identifier");
		}
		return value;
	}

	private void audit(Scope scope, String action, String subject, Map<String, Object> data) {
		this.transactions.executeWithoutResult(status -> this.audit.record(
				new AuditRecord(scope.workspaceId(), scope.userId(), action, "composio", subject, data, null, null)));
	}

	private void forget(Scope scope, String credentialId) {
		if (credentialId == null) {
			return;
		}
		try {
			this.vault.delete(scope.workspaceId(), credentialId, scope.userId());
		}
		catch (RuntimeException ex) {
			log.warn("Could not delete the replaced Composio key credential {}: {}", credentialId, ex.getMessage());
		}
	}

}
