package crewship.crew.mcpregistry;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.crew.mcp.OutboundHttp;
import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The instance's copy of an MCP registry (the official one's {@code /v0/servers} format
 * by default), synced from a configured URL. A sync is claimed by one conditional UPDATE
 * of the single sync row — so of two replicas (or two admins) only one runs it, and a
 * second request within the cooldown is refused — then fetched page by page outside any
 * transaction and applied in one transaction under an advisory lock: entries upserted,
 * entries the registry no longer lists removed, all or nothing.
 */
@Service
@EnableConfigurationProperties(McpRegistry.RegistryProperties.class)
public class McpRegistry implements DisposableBean {

	static final Set<String> TRUST_TIERS = Set.of("anthropic", "crewship", "community");

	/** The advisory lock key of registry writes ("mcpreg"). */
	static final long LOCK = 0x6d6370726567L;

	private static final Logger log = LoggerFactory.getLogger(McpRegistry.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * @param url the registry's server list ({@code CREWSHIP_MCP_REGISTRY_URL})
	 * @param cooldown the least time between two syncs (1 hour)
	 * @param maxEntries entries kept at most (a registry answering more is cut there)
	 * @param autoSync whether every replica tries a sync every {@code syncInterval} (the
	 * claim lets only one through)
	 * @param featured registry names shown as featured
	 */
	@ConfigurationProperties("crewship.mcp-registry")
	public record RegistryProperties(URI url, Duration cooldown, Integer maxEntries, Boolean autoSync,
			List<String> featured) {

		public RegistryProperties {
			url = (url != null) ? url : URI.create("https://registry.modelcontextprotocol.io/v0/servers");
			cooldown = (cooldown != null) ? cooldown : Duration.ofHours(1);
			maxEntries = (maxEntries != null && maxEntries > 0) ? maxEntries : 5000;
			autoSync = Boolean.TRUE.equals(autoSync);
			featured = (featured != null) ? List.copyOf(featured) : List.of();
		}

	}

	private final JdbcTemplate jdbc;

	private final OutboundHttp http;

	private final RegistryProperties properties;

	private final TransactionTemplate transactions;

	private final AuditTrail audit;

	private final ExecutorService background = Executors
		.newSingleThreadExecutor(Thread.ofVirtual().name("mcp-registry-sync").factory());

	McpRegistry(JdbcTemplate jdbc, OutboundHttp http, RegistryProperties properties,
			PlatformTransactionManager transactions, AuditTrail audit) {
		this.audit = audit;
		this.jdbc = jdbc;
		this.http = http;
		this.properties = properties;
		this.transactions = new TransactionTemplate(transactions);
	}

	// --- reads

	Map<String, Object> page(String query, String trustTier, String featured, Integer limit, Integer offset) {
		int max = (limit != null) ? limit : 50;
		int skip = (offset != null) ? offset : 0;
		if (max < 1 || max > 200) {
			throw ProblemException.badRequest("limit must be between 1 and 200");
		}
		if (skip < 0) {
			throw ProblemException.badRequest("offset must be 0 or greater");
		}
		String tier = null;
		if (trustTier != null && !trustTier.isBlank()) {
			tier = trustTier.trim().toLowerCase(Locale.ROOT);
			if (!TRUST_TIERS.contains(tier)) {
				throw ProblemException.badRequest("trust_tier must be anthropic, crewship or community");
			}
		}
		Boolean onlyFeatured = null;
		if (featured != null && !featured.isBlank()) {
			onlyFeatured = switch (featured.trim().toLowerCase(Locale.ROOT)) {
				case "true", "1" -> true;
				case "false", "0" -> false;
				default -> throw ProblemException.badRequest("featured must be true, false, 1 or 0");
			};
		}
		String like = (query != null && !query.isBlank()) ? "%"
				+ query.trim().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
				+ "%" : null;
		String where = """
				 where (cast(? as varchar) is null or trust_tier = ?)
				   and (cast(? as boolean) is null or is_featured = ?)
				   and (cast(? as varchar) is null or lower(name) like ? escape '\\' or lower(display_name) like ? escape '\\'
				        or lower(coalesce(description, '')) like ? escape '\\')
				""";
		Object[] filters = { tier, tier, onlyFeatured, onlyFeatured, like, like, like, like };
		Long total = this.jdbc.queryForObject("select count(*) from mcp_registry_entry" + where, Long.class, filters);
		List<Object> arguments = new ArrayList<>(java.util.Arrays.asList(filters));
		arguments.add(max);
		arguments.add(skip);
		List<Map<String, Object>> servers = this.jdbc.query("select * from mcp_registry_entry" + where
				+ " order by is_featured desc, display_name, id limit ? offset ?", (rs, n) -> {
					Map<String, Object> entry = new LinkedHashMap<>();
					for (String column : List.of("id", "name", "display_name", "description", "category", "transport",
							"endpoint", "command", "package_name", "package_registry", "env_vars_json", "homepage_url",
							"source_url", "icon", "auth_type", "trust_tier")) {
						String value = rs.getString(column);
						if (value != null) {
							entry.put(column, value);
						}
					}
					entry.put("is_featured", rs.getBoolean("is_featured"));
					entry.put("is_verified", rs.getBoolean("is_verified"));
					entry.put("synced_at", rs.getTimestamp("synced_at").toInstant().toString());
					return entry;
				}, arguments.toArray());
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("servers", servers);
		answer.put("total", (total != null) ? total : 0);
		answer.put("limit", max);
		answer.put("offset", skip);
		return answer;
	}

	// --- sync

	/**
	 * Claims a sync and runs it in the background.
	 * @throws ProblemException 429 within the cooldown of the last one (or while one
	 * runs)
	 */
	public Map<String, Object> requestSync(String workspaceId, String actor) {
		if (!claim()) {
			throw ProblemException.tooManyRequests("A registry sync ran or started within the last "
					+ this.properties.cooldown().toMinutes() + " minutes; try again later", retryAfter());
		}
		this.transactions.executeWithoutResult(
				status -> this.audit.record(new AuditRecord(workspaceId, actor, "mcp_registry.sync_requested",
						"mcp_registry", "instance", Map.of("url", this.properties.url().toString()), null, null)));
		this.background.submit(() -> run(actor));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("status", "sync_started");
		answer.put("message", "Syncing the MCP registry from " + this.properties.url().getHost());
		return answer;
	}

	@Scheduled(fixedDelayString = "${crewship.mcp-registry.sync-interval:P1D}",
			initialDelayString = "${crewship.mcp-registry.sync-initial-delay:PT5M}")
	void scheduled() {
		if (this.properties.autoSync() && claim()) {
			run(null);
		}
	}

	/** One winner among replicas: the row changes only if the cooldown has passed. */
	boolean claim() {
		return this.jdbc.update("""
				update mcp_registry_sync set started_at = now(), status = 'running', message = null
				 where id = 1 and (started_at is null or started_at < now() - cast(? as interval))
				""", this.properties.cooldown().toSeconds() + " seconds") == 1;
	}

	private Duration retryAfter() {
		Timestamp started = this.jdbc.queryForObject("select started_at from mcp_registry_sync where id = 1",
				Timestamp.class);
		if (started == null) {
			return Duration.ofSeconds(1);
		}
		Duration left = Duration.between(Instant.now(), started.toInstant().plus(this.properties.cooldown()));
		return left.isNegative() ? Duration.ofSeconds(1) : left;
	}

	/** Fetches and applies; the outcome lands on the sync row. */
	void run(String actor) {
		try {
			List<Map<String, Object>> entries = fetch();
			int applied = apply(entries);
			this.jdbc.update(
					"update mcp_registry_sync set finished_at = now(), status = 'ok', message = null, entries = ? where id = 1",
					applied);
			log.info("MCP registry synced: {} entries{}", applied,
					(actor != null) ? " (requested by " + actor + ")" : "");
		}
		catch (RuntimeException ex) {
			log.warn("MCP registry sync failed: {}", ex.getMessage());
			// a failed sync may be retried after five minutes, not after the whole
			// cooldown
			this.jdbc.update("""
					update mcp_registry_sync set finished_at = now(), status = 'error', message = ?,
					       started_at = now() - cast(? as interval) + interval '5 minutes' where id = 1
					""", String.valueOf(ex.getMessage()), this.properties.cooldown().toSeconds() + " seconds");
		}
	}

	/** Every page of the registry, up to {@link RegistryProperties#maxEntries()}. */
	List<Map<String, Object>> fetch() {
		Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
		String cursor = null;
		for (int page = 0; page < 1000 && byId.size() < this.properties.maxEntries(); page++) {
			String base = this.properties.url().toString();
			URI uri = URI.create(base + (base.contains("?") ? "&" : "?") + "limit=100" + ((cursor != null)
					? "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8) : ""));
			OutboundHttp.Answer answer;
			try {
				answer = this.http.get(uri, Map.of("Accept", "application/json"), false);
			}
			catch (OutboundHttp.Unreachable ex) {
				throw new IllegalStateException("The registry could not be read: " + ex.getMessage());
			}
			if (!answer.ok()) {
				throw new IllegalStateException("The registry answered HTTP " + answer.status());
			}
			JsonNode body = answer.json()
				.orElseThrow(() -> new IllegalStateException("The registry did not answer JSON"));
			JsonNode servers = body.isArray() ? body : body.path("servers");
			for (JsonNode item : servers) {
				Map<String, Object> entry = entry(item);
				if (entry != null && byId.size() < this.properties.maxEntries()) {
					byId.put((String) entry.get("id"), entry);
				}
			}
			JsonNode next = body.path("metadata").path("nextCursor");
			if (next.isMissingNode() || next.isNull()) {
				next = body.path("metadata").path("next_cursor");
			}
			cursor = (next.isString() && !next.asString().isBlank()) ? next.asString() : null;
			if (cursor == null || servers.isEmpty()) {
				break;
			}
		}
		return new ArrayList<>(byId.values());
	}

	/** Upserts the entries and drops the ones no longer listed, in one transaction. */
	int apply(List<Map<String, Object>> entries) {
		Integer applied = this.transactions.execute(status -> {
			this.jdbc.queryForObject("select pg_advisory_xact_lock(?)::text", String.class, LOCK);
			// read under the lock: a later writer's rows are always the newer
			Timestamp now = Timestamp.from(Timestamps.now());
			for (Map<String, Object> entry : entries) {
				this.jdbc.update(
						"""
								insert into mcp_registry_entry (id, name, display_name, description, category, transport, endpoint,
								       command, package_name, package_registry, env_vars_json, homepage_url, source_url, icon,
								       auth_type, trust_tier, is_featured, is_verified, synced_at)
								values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
								on conflict (id) do update set name = excluded.name, display_name = excluded.display_name,
								       description = excluded.description, category = excluded.category,
								       transport = excluded.transport, endpoint = excluded.endpoint, command = excluded.command,
								       package_name = excluded.package_name, package_registry = excluded.package_registry,
								       env_vars_json = excluded.env_vars_json, homepage_url = excluded.homepage_url,
								       source_url = excluded.source_url, icon = excluded.icon, auth_type = excluded.auth_type,
								       trust_tier = excluded.trust_tier, is_featured = excluded.is_featured,
								       is_verified = excluded.is_verified, synced_at = excluded.synced_at
								""",
						entry.get("id"), entry.get("name"), entry.get("display_name"), entry.get("description"),
						entry.get("category"), entry.get("transport"), entry.get("endpoint"), entry.get("command"),
						entry.get("package_name"), entry.get("package_registry"), entry.get("env_vars_json"),
						entry.get("homepage_url"), entry.get("source_url"), entry.get("icon"), entry.get("auth_type"),
						entry.get("trust_tier"), entry.get("is_featured"), entry.get("is_verified"), now);
			}
			this.jdbc.update("delete from mcp_registry_entry where synced_at < ?", now);
			return entries.size();
		});
		return (applied != null) ? applied : 0;
	}

	/** One server of the official registry format (v0), or null when unusable. */
	Map<String, Object> entry(JsonNode item) {
		JsonNode server = item.has("server") ? item.get("server") : item;
		String name = text(server, "name");
		if (name == null || name.length() > 200) {
			return null;
		}
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("id", name);
		entry.put("name", name);
		String title = text(server, "title");
		entry.put("display_name", cut((title != null) ? title : name.substring(name.lastIndexOf('/') + 1), 300));
		entry.put("description", cut(text(server, "description"), 4000));
		entry.put("category", null);
		JsonNode remote = server.path("remotes").path(0);
		JsonNode pkg = server.path("packages").path(0);
		if (!remote.isMissingNode()) {
			String type = text(remote, "type");
			entry.put("transport", "sse".equals(type) ? "sse" : "streamable-http");
			entry.put("endpoint", cut(text(remote, "url"), 2048));
		}
		else if (!pkg.isMissingNode()) {
			entry.put("transport", "stdio");
		}
		if (!pkg.isMissingNode()) {
			String registry = text(pkg, "registryType") != null ? text(pkg, "registryType")
					: text(pkg, "registry_name");
			entry.put("package_registry", cut(registry, 50));
			entry.put("package_name",
					cut(text(pkg, "identifier") != null ? text(pkg, "identifier") : text(pkg, "name"), 300));
			entry.put("command", switch (String.valueOf(registry)) {
				case "npm" -> "npx";
				case "pypi" -> "uvx";
				case "oci", "docker" -> "docker";
				case "nuget" -> "dnx";
				default -> null;
			});
			List<Map<String, Object>> env = new ArrayList<>();
			pkg.path("environmentVariables").forEach(variable -> {
				Map<String, Object> value = new LinkedHashMap<>();
				value.put("name", text(variable, "name"));
				value.put("description", text(variable, "description"));
				value.put("required", variable.path("isRequired").asBoolean(false));
				value.put("secret", variable.path("isSecret").asBoolean(false));
				env.add(value);
			});
			entry.put("env_vars_json", env.isEmpty() ? null : JSON.writeValueAsString(env));
			entry.put("auth_type", env.stream().anyMatch(variable -> Boolean.TRUE.equals(variable.get("secret")))
					? "api_key" : "none");
		}
		else {
			entry.put("auth_type", remote.path("headers").isEmpty() ? "oauth" : "api_key");
		}
		entry.put("homepage_url", cut(text(server, "websiteUrl"), 2048));
		entry.put("source_url", cut(text(server.path("repository"), "url"), 2048));
		entry.put("icon", cut(text(server.path("icons").path(0), "src"), 2048));
		String lower = name.toLowerCase(Locale.ROOT);
		String tier = (lower.startsWith("com.anthropic") || lower.startsWith("io.modelcontextprotocol")) ? "anthropic"
				: (lower.startsWith("ai.crewship") || lower.startsWith("io.crewship")) ? "crewship" : "community";
		entry.put("trust_tier", tier);
		entry.put("is_featured", this.properties.featured().contains(name));
		entry.put("is_verified", !tier.equals("community"));
		return entry;
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = (node != null) ? node.get(field) : null;
		return (value != null && value.isString() && !value.asString().isBlank()) ? value.asString() : null;
	}

	private static String cut(String value, int max) {
		return (value == null || value.length() <= max) ? value : value.substring(0, max);
	}

	@Override
	public void destroy() {
		this.background.shutdownNow();
	}

}
