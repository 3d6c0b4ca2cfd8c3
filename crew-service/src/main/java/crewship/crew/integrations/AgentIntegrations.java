package crewship.crew.integrations;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.integrations.AgentRefs.AgentRef;
import crewship.crew.integrations.IntegrationViews.AgentBindingView;
import crewship.crew.vault.VaultCredentials;
import crewship.crew.workspace.ConfigBlobs;
import crewship.crew.workspace.Fields;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.web.ProblemException;

/**
 * Agent bindings and the effective set of MCP servers an agent runs with.
 * <p>
 * Resolution (most specific wins: agent &gt; crew &gt; workspace):
 * <ol>
 * <li>every enabled workspace server applies to every agent;</li>
 * <li>a server of the agent's crew that overrides a workspace server replaces it (its
 * fields over the workspace server's, its credential) or, when disabled, removes it for
 * the crew; an enabled standalone crew server is added;</li>
 * <li>an agent binding turns its server off for the agent ({@code enabled: false}) or on
 * (also one its crew turned off), and its credential, presentation and config override
 * replace the server's;</li>
 * <li>a server disabled at its own level stays off for everyone: a workspace server's
 * {@code enabled: false} is the workspace's kill switch;</li>
 * <li>tools a crew server disabled are removed ({@code disabled_tools}).</li>
 * </ol>
 * Credentials appear by id and name; their values never leave the vault.
 */
@Service
public class AgentIntegrations {

	static final int MAX_BINDINGS = 200;

	static final Set<String> CRED_TYPES = Set.of("bearer", "api_key", "basic");

	private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

	private final AgentBindingRepository bindings;

	private final WorkspaceServerRepository servers;

	private final CrewServerRepository crewServers;

	private final ToolBindingRepository tools;

	private final AgentRefs agents;

	private final Integrations integrations;

	private final VaultCredentials vault;

	private final org.springframework.jdbc.core.JdbcTemplate jdbc;

	/**
	 * {@code COMPOSIO_DEFAULT_CONNECTOR}: the workspace's Composio default replaces other
	 * servers.
	 */
	private final boolean composioDefault;

	AgentIntegrations(AgentBindingRepository bindings, WorkspaceServerRepository servers,
			CrewServerRepository crewServers, ToolBindingRepository tools, AgentRefs agents, Integrations integrations,
			VaultCredentials vault, org.springframework.jdbc.core.JdbcTemplate jdbc,
			@org.springframework.beans.factory.annotation.Value("${crewship.composio.default-connector:false}") boolean composioDefault) {
		this.jdbc = jdbc;
		this.composioDefault = composioDefault;
		this.bindings = bindings;
		this.servers = servers;
		this.crewServers = crewServers;
		this.tools = tools;
		this.agents = agents;
		this.integrations = integrations;
		this.vault = vault;
	}

	public record CreateBinding(@NotBlank @Size(max = 64) String mcpServerId,
			@NotBlank @Size(max = 16) String mcpServerScope, @Size(max = 64) String credentialId,
			@Size(max = 16) String credType, @Size(max = 200) String credHeader, @Size(max = 200) String envVarName,
			Boolean enabled, String configOverrideJson) {
	}

	public record UpdateBinding(@Size(max = 64) String credentialId, @Size(max = 16) String credType,
			@Size(max = 200) String credHeader, @Size(max = 200) String envVarName, Boolean enabled,
			String configOverrideJson) {

		boolean isEmpty() {
			return this.credentialId == null && this.credType == null && this.credHeader == null
					&& this.envVarName == null && this.enabled == null && this.configOverrideJson == null;
		}

	}

	@Transactional(readOnly = true)
	List<AgentBindingView> list(Scope scope, String agentRef) {
		AgentRef agent = this.agents.require(scope.workspaceId(), agentRef);
		List<AgentBinding> found = this.bindings.ofAgent(agent.id(), scope.workspaceId(), Limit.of(MAX_BINDINGS));
		Map<String, String> names = credentialNames(scope.workspaceId(),
				found.stream().map(binding -> binding.credentialId).toList(), true);
		return found.stream().map(binding -> view(scope, binding, names)).toList();
	}

	@Transactional
	AgentBindingView create(Scope scope, String agentRef, CreateBinding request) {
		return view(scope, bind(scope, agentRef, request, null), null);
	}

	/**
	 * Binds an agent to a server (also for Composio's per-app bindings, with their
	 * {@code source}).
	 */
	@Transactional
	public AgentBinding bind(Scope scope, String agentRef, CreateBinding request, String source) {
		AgentRef agent = this.agents.require(scope.workspaceId(), agentRef);
		String tier = tier(request.mcpServerScope());
		requireServer(scope, agent, request.mcpServerId(), tier);
		if (this.bindings.exists(agent.id(), request.mcpServerId(), tier)) {
			throw ProblemException.conflict("Agent already has a binding for this integration");
		}
		if (this.bindings.ofAgent(agent.id(), scope.workspaceId(), Limit.of(MAX_BINDINGS + 1)).size() >= MAX_BINDINGS) {
			throw ProblemException.conflict("An agent holds at most " + MAX_BINDINGS + " integration bindings");
		}
		AgentBinding binding = new AgentBinding(scope.workspaceId(), agent.id(), request.mcpServerId(), tier);
		binding.credType = credType(request.credType(), "bearer");
		binding.credHeader = ServerRequests.blank(request.credHeader());
		binding.envVarName = envVar(request.envVarName());
		binding.enabled = !Boolean.FALSE.equals(request.enabled());
		binding.configOverrideJson = configOverride(request.configOverrideJson());
		binding.source = source;
		if (request.credentialId() != null && !request.credentialId().isBlank()) {
			requireCredential(scope, request.credentialId());
			binding.credentialId = request.credentialId();
		}
		try {
			this.bindings.saveAndFlush(binding);
		}
		catch (DataIntegrityViolationException ex) {
			throw ProblemException.conflict("Agent already has a binding for this integration");
		}
		this.integrations.changed("integration.created", scope, binding.id, "agent", null, agentData(binding));
		return binding;
	}

	@Transactional
	AgentBindingView update(Scope scope, String agentRef, String id, UpdateBinding request) {
		if (request.isEmpty()) {
			throw ProblemException.badRequest("No fields to update");
		}
		AgentRef agent = this.agents.require(scope.workspaceId(), agentRef);
		AgentBinding binding = this.bindings.find(id, agent.id(), scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Agent binding not found"));
		if (request.credType() != null) {
			binding.credType = credType(request.credType(), binding.credType);
		}
		if (request.credentialId() != null) {
			if (request.credentialId().isEmpty()) {
				binding.credentialId = null;
			}
			else {
				requireCredential(scope, request.credentialId());
				binding.credentialId = request.credentialId();
			}
		}
		binding.credHeader = Fields.text(request.credHeader(), binding.credHeader);
		if (request.envVarName() != null) {
			binding.envVarName = request.envVarName().isEmpty() ? null : envVar(request.envVarName());
		}
		if (request.enabled() != null) {
			binding.enabled = request.enabled();
		}
		if (request.configOverrideJson() != null) {
			binding.configOverrideJson = request.configOverrideJson().isEmpty() ? null
					: configOverride(request.configOverrideJson());
		}
		binding.touch();
		this.bindings.saveAndFlush(binding);
		this.integrations.changed("integration.updated", scope, binding.id, "agent", null, agentData(binding));
		return view(scope, binding, null).withStatus("updated");
	}

	@Transactional
	public void delete(Scope scope, String agentRef, String id) {
		AgentRef agent = this.agents.require(scope.workspaceId(), agentRef);
		AgentBinding binding = this.bindings.find(id, agent.id(), scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Agent binding not found"));
		this.bindings.delete(binding);
		this.bindings.flush();
		this.integrations.changed("integration.deleted", scope, binding.id, "agent", null, agentData(binding));
	}

	// --- resolution

	/** One effective server of an agent. */
	private static final class Entry {

		String serverId;

		String scope;

		String name;

		String displayName;

		ServerDefinition definition;

		String credentialId;

		String credType;

		String credHeader;

		String envVarName;

		String configOverrideJson;

		String bindingId;

		String crewServerId;

		String source;

		/** What made the server ({@code composio}, {@code connector:github}, ...). */
		String origin;

	}

	/**
	 * The effective, enabled servers of the agent (see the class comment for the rules).
	 */
	@Transactional(readOnly = true)
	public List<Map<String, Object>> resolve(Scope scope, String agentRef) {
		AgentRef agent = this.agents.require(scope.workspaceId(), agentRef);
		Effective effective = effective(scope, agent);
		Map<String, String> names = credentialNames(scope.workspaceId(),
				effective.entries().stream().map(entry -> entry.credentialId).toList(), true);
		return effective.entries().stream().map(entry -> resolved(entry, effective.tools(entry), names)).toList();
	}

	/**
	 * The effective HTTP servers of an agent as its runs connect to them (the run
	 * engine's view, internal callers only): where each server is, how to present its
	 * credential (the credential by id: its value stays in the vault, which the engine
	 * asks itself), the literal headers, the tools the crew stored with their
	 * descriptions and input schemas, and those it disabled. stdio servers are left out:
	 * they run only inside a crew's own runtime.
	 */
	@Transactional(readOnly = true)
	public List<Map<String, Object>> forRuns(String workspaceId, String agentId) {
		AgentRef agent = this.agents.require(workspaceId, agentId);
		Effective effective = effective(new Scope(workspaceId, null, null), agent);
		return effective.entries()
			.stream()
			.filter(entry -> !ServerDefinition.STDIO.equals(entry.definition.transport()))
			.map(entry -> forRun(entry, effective.tools(entry)))
			.toList();
	}

	/** The effective entries, sorted by name, and the crew servers' tool rows. */
	private record Effective(List<Entry> entries, Map<String, List<ToolBinding>> toolsByServer) {

		List<ToolBinding> tools(Entry entry) {
			return (entry.crewServerId != null) ? this.toolsByServer.getOrDefault(entry.crewServerId, List.of())
					: List.of();
		}

	}

	private Effective effective(Scope scope, AgentRef agent) {
		List<WorkspaceServer> workspaceServers = this.servers.byName(scope.workspaceId(), Limit.of(500));
		Map<String, WorkspaceServer> byId = new HashMap<>();
		workspaceServers.forEach(server -> byId.put(server.id, server));
		List<CrewServer> crewServers = (agent.crewId() != null)
				? this.crewServers.ofCrew(agent.crewId(), Limit.of(Integrations.MAX_CREW_SERVERS)) : List.of();
		Map<String, CrewServer> crewById = new HashMap<>();
		crewServers.forEach(server -> crewById.put(server.id, server));
		// the crew override of each workspace server, if any
		Map<String, CrewServer> overrides = new HashMap<>();
		crewServers.stream()
			.filter(server -> server.workspaceServerId != null)
			.forEach(server -> overrides.put(server.workspaceServerId, server));

		Map<String, Entry> effective = new LinkedHashMap<>();
		for (WorkspaceServer server : workspaceServers) {
			if (!server.enabled) {
				continue; // the workspace's kill switch
			}
			CrewServer override = overrides.get(server.id);
			if (override == null) {
				effective.put(key(AgentBinding.WORKSPACE, server.id), workspaceEntry(server));
			}
			else if (override.enabled) {
				effective.put(key(AgentBinding.WORKSPACE, server.id), crewEntry(override, server));
			}
		}
		for (CrewServer server : crewServers) {
			if (server.workspaceServerId == null && server.enabled) {
				effective.put(key(AgentBinding.CREW, server.id), crewEntry(server, null));
			}
		}
		for (AgentBinding binding : this.bindings.ofAgent(agent.id(), scope.workspaceId(), Limit.of(MAX_BINDINGS))) {
			String key;
			Entry candidate;
			if (AgentBinding.WORKSPACE.equals(binding.scope)) {
				WorkspaceServer server = byId.get(binding.serverId);
				if (server == null || !server.enabled) {
					continue;
				}
				key = key(AgentBinding.WORKSPACE, server.id);
				CrewServer override = overrides.get(server.id);
				candidate = (override != null) ? crewEntry(override, server) : workspaceEntry(server);
			}
			else {
				CrewServer server = crewById.get(binding.serverId);
				if (server == null) {
					continue; // a server of another crew (the agent moved): not its own
				}
				WorkspaceServer base = (server.workspaceServerId != null) ? byId.get(server.workspaceServerId) : null;
				if (server.workspaceServerId != null && (base == null || !base.enabled)) {
					continue;
				}
				key = (base != null) ? key(AgentBinding.WORKSPACE, base.id) : key(AgentBinding.CREW, server.id);
				candidate = crewEntry(server, base);
			}
			if (!binding.enabled) {
				effective.remove(key);
				continue;
			}
			Entry entry = effective.computeIfAbsent(key, ignored -> candidate);
			entry.bindingId = binding.id;
			entry.source = "agent";
			if (binding.credentialId != null) {
				entry.credentialId = binding.credentialId;
				entry.credType = binding.credType;
				entry.credHeader = binding.credHeader;
			}
			else if (entry.credType == null) {
				entry.credType = binding.credType;
			}
			entry.envVarName = binding.envVarName;
			entry.configOverrideJson = binding.configOverrideJson;
		}

		applyComposioDefault(scope, agent, effective);

		List<String> crewServerIds = effective.values()
			.stream()
			.map(entry -> entry.crewServerId)
			.filter(java.util.Objects::nonNull)
			.toList();
		Map<String, List<ToolBinding>> toolsByServer = new HashMap<>();
		if (!crewServerIds.isEmpty()) {
			this.tools.ofServers(crewServerIds)
				.forEach(tool -> toolsByServer.computeIfAbsent(tool.crewServerId, id -> new ArrayList<>()).add(tool));
		}
		return new Effective(effective.values()
			.stream()
			.sorted(Comparator.comparing((Entry entry) -> entry.name).thenComparing(entry -> entry.serverId))
			.toList(), toolsByServer);
	}

	/**
	 * With {@code COMPOSIO_DEFAULT_CONNECTOR} on and a default provisioned, servers not
	 * made by Composio are off at resolve time (not deleted), and an agent with its own
	 * Composio apps gets those instead of the default.
	 */
	private void applyComposioDefault(Scope scope, AgentRef agent, Map<String, Entry> effective) {
		if (!this.composioDefault) {
			return;
		}
		String defaultServer = this.jdbc
			.queryForList("select default_mcp_server_id from composio_settings where workspace_id = ?", String.class,
					scope.workspaceId())
			.stream()
			.filter(java.util.Objects::nonNull)
			.findFirst()
			.orElse(null);
		if (defaultServer == null) {
			return;
		}
		boolean ownApps = this.jdbc.queryForObject("select count(*) from composio_agent_app where agent_id = ?",
				Long.class, agent.id()) > 0;
		effective.values()
			.removeIf(entry -> !"composio".equals(entry.origin) || (ownApps && entry.serverId.equals(defaultServer)));
	}

	private static String key(String scope, String id) {
		return scope + ":" + id;
	}

	private static Entry workspaceEntry(WorkspaceServer server) {
		Entry entry = new Entry();
		entry.serverId = server.id;
		entry.scope = AgentBinding.WORKSPACE;
		entry.name = server.name;
		entry.displayName = server.displayName;
		entry.definition = server.definition;
		entry.credentialId = server.credentialId;
		entry.credType = server.credType;
		entry.credHeader = server.credHeader;
		entry.source = AgentBinding.WORKSPACE;
		entry.origin = server.source;
		return entry;
	}

	private static Entry crewEntry(CrewServer server, WorkspaceServer base) {
		Entry entry = new Entry();
		entry.serverId = server.id;
		entry.scope = AgentBinding.CREW;
		entry.name = server.name;
		entry.displayName = server.displayName;
		entry.definition = server.definition.over((base != null) ? base.definition : null);
		entry.credentialId = server.credentialId;
		entry.credType = server.credType;
		entry.credHeader = server.credHeader;
		entry.crewServerId = server.id;
		entry.source = AgentBinding.CREW;
		entry.origin = server.source;
		return entry;
	}

	private static Map<String, Object> forRun(Entry entry, List<ToolBinding> tools) {
		ServerDefinition def = entry.definition;
		Map<String, String> headers = new LinkedHashMap<>(ServerDefinition.literalHeaders(def.configJson()));
		if (entry.configOverrideJson != null) {
			headers.putAll(ServerDefinition.literalHeaders(entry.configOverrideJson));
		}
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("server_id", entry.serverId);
		view.put("scope", entry.scope);
		view.put("name", entry.name);
		view.put("transport", (def.transport() != null) ? def.transport() : ServerDefinition.STREAMABLE_HTTP);
		view.put("endpoint", def.endpoint());
		view.put("headers", headers);
		view.put("credential_id", entry.credentialId);
		view.put("cred_type",
				(entry.credentialId != null) ? (entry.credType != null ? entry.credType : "bearer") : null);
		view.put("cred_header", entry.credHeader);
		view.put("tools",
				tools.stream()
					.filter(tool -> tool.enabled)
					.sorted(Comparator.comparing((ToolBinding tool) -> tool.toolName))
					.map(tool -> {
						Map<String, Object> described = new LinkedHashMap<>();
						described.put("name", tool.toolName);
						described.put("description", tool.description);
						described.put("input_schema",
								(tool.inputSchema != null) ? IntegrationsJson.read(tool.inputSchema) : null);
						return described;
					})
					.toList());
		view.put("disabled_tools",
				tools.stream().filter(tool -> !tool.enabled).map(tool -> tool.toolName).sorted().toList());
		return view;
	}

	private static Map<String, Object> resolved(Entry entry, List<ToolBinding> tools, Map<String, String> names) {
		ServerDefinition def = entry.definition;
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("server_id", entry.serverId);
		view.put("scope", entry.scope);
		view.put("name", entry.name);
		view.put("display_name", entry.displayName);
		view.put("transport", (def.transport() != null) ? def.transport() : ServerDefinition.STREAMABLE_HTTP);
		view.put("endpoint", def.endpoint());
		view.put("command", def.command());
		view.put("args_json", def.argsJson());
		view.put("env_json", def.envJson());
		view.put("config_json", def.configJson());
		view.put("icon", def.icon());
		view.put("enabled", true);
		view.put("credential_id", entry.credentialId);
		view.put("credential_name", (entry.credentialId != null) ? names.get(entry.credentialId) : null);
		view.put("cred_type",
				(entry.credentialId != null) ? (entry.credType != null ? entry.credType : "bearer") : null);
		view.put("cred_header", entry.credHeader);
		view.put("env_var_name", entry.envVarName);
		view.put("config_override_json", entry.configOverrideJson);
		view.put("binding_id", entry.bindingId);
		view.put("source", entry.source);
		view.put("tools", tools.stream().filter(tool -> tool.enabled).map(tool -> tool.toolName).sorted().toList());
		view.put("disabled_tools",
				tools.stream().filter(tool -> !tool.enabled).map(tool -> tool.toolName).sorted().toList());
		return view;
	}

	// --- shared

	private void requireServer(Scope scope, AgentRef agent, String serverId, String tier) {
		boolean found = AgentBinding.WORKSPACE.equals(tier)
				? this.servers.find(serverId, scope.workspaceId()).isPresent()
				: this.crewServers.findInWorkspace(serverId, scope.workspaceId())
					.filter(server -> server.crewId.equals(agent.crewId()))
					.isPresent();
		if (!found) {
			throw ProblemException.badRequest(
					AgentBinding.WORKSPACE.equals(tier) ? "mcp_server_id does not name an integration of this workspace"
							: "mcp_server_id does not name an integration of the agent's crew");
		}
	}

	private void requireCredential(Scope scope, String credentialId) {
		if (this.vault.find(scope.workspaceId(), credentialId).isEmpty()) {
			throw ProblemException.badRequest("credential_id does not name a credential of this workspace");
		}
	}

	private static String tier(String scope) {
		String value = scope.trim().toLowerCase(Locale.ROOT);
		if (!value.equals(AgentBinding.WORKSPACE) && !value.equals(AgentBinding.CREW)) {
			throw ProblemException.badRequest("mcp_server_scope must be workspace or crew");
		}
		return value;
	}

	private static String credType(String value, String fallback) {
		if (value == null || value.isBlank()) {
			return fallback;
		}
		String type = value.trim().toLowerCase(Locale.ROOT);
		if (!CRED_TYPES.contains(type)) {
			throw ProblemException.badRequest("cred_type must be bearer, api_key or basic");
		}
		return type;
	}

	private static String envVar(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		if (!ENV_NAME.matcher(value).matches()) {
			throw ProblemException.badRequest("env_var_name must match [A-Za-z_][A-Za-z0-9_]*");
		}
		return value;
	}

	private static String configOverride(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		ConfigBlobs.checkSize("config_override_json", value, ConfigBlobs.DEFAULT_MAX_BYTES);
		IntegrationViews.requireObject("config_override_json", value);
		ServerDefinition.config(value); // the same no-literal-secret rule for headers
		return value;
	}

	private AgentBindingView view(Scope scope, AgentBinding binding, Map<String, String> names) {
		String serverName = null;
		String serverDisplayName = null;
		if (AgentBinding.WORKSPACE.equals(binding.scope)) {
			Optional<WorkspaceServer> server = this.servers.find(binding.serverId, scope.workspaceId());
			serverName = server.map(found -> found.name).orElse(null);
			serverDisplayName = server.map(found -> found.displayName).orElse(null);
		}
		else {
			Optional<CrewServer> server = this.crewServers.findInWorkspace(binding.serverId, scope.workspaceId());
			serverName = server.map(found -> found.name).orElse(null);
			serverDisplayName = server.map(found -> found.displayName).orElse(null);
		}
		Map<String, String> credentialNames = (names != null) ? names
				: credentialNames(scope.workspaceId(), java.util.Collections.singletonList(binding.credentialId), true);
		return new AgentBindingView(binding.id, binding.agentId, binding.serverId, binding.scope,
				(serverName != null) ? serverName : "", (serverDisplayName != null) ? serverDisplayName : "",
				binding.credentialId, (binding.credentialId != null) ? credentialNames.get(binding.credentialId) : null,
				binding.credType, binding.credHeader, binding.envVarName, binding.enabled, binding.configOverrideJson,
				binding.createdAt, binding.updatedAt, null);
	}

	/**
	 * Names of the credentials, asked of the vault once each. A read does not fail when
	 * the vault cannot answer: the names are then left out.
	 */
	private Map<String, String> credentialNames(String workspaceId, List<String> ids, boolean tolerant) {
		Map<String, String> names = new HashMap<>();
		for (String id : ids.stream().filter(java.util.Objects::nonNull).distinct().limit(50).toList()) {
			try {
				this.vault.find(workspaceId, id).ifPresent(credential -> names.put(id, credential.name()));
			}
			catch (ProblemException ex) {
				if (!tolerant || ex.getStatusCode().value() != HttpStatus.SERVICE_UNAVAILABLE.value()) {
					throw ex;
				}
				return names;
			}
		}
		return names;
	}

	private static Map<String, Object> agentData(AgentBinding binding) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("agent_id", binding.agentId);
		data.put("mcp_server_id", binding.serverId);
		data.put("mcp_server_scope", binding.scope);
		data.put("enabled", binding.enabled);
		return data;
	}

}
