package crewship.crew.integrations;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import crewship.crew.crews.Crew;
import crewship.crew.crews.CrewService;
import crewship.crew.integrations.IntegrationViews.Integration;
import crewship.crew.integrations.IntegrationViews.Refreshed;
import crewship.crew.integrations.IntegrationViews.TestResult;
import crewship.crew.integrations.IntegrationViews.Tool;
import crewship.crew.integrations.IntegrationViews.ToolInfo;
import crewship.crew.integrations.IntegrationViews.ToolUpdated;
import crewship.crew.integrations.ServerRequests.CreateServer;
import crewship.crew.integrations.ServerRequests.Provisioning;
import crewship.crew.integrations.ServerRequests.UpdateServer;
import crewship.crew.mcp.McpProbe;
import crewship.crew.vault.VaultCredentials;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.Fields;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * Workspace and crew MCP servers and a crew server's per-tool state. Callers arrive
 * scoped and authorised for the endpoint's action; every change is written with its
 * {@code integration.*} event and audit record in its transaction. Another workspace's
 * server, or a crew's server asked for under another crew, is 404.
 */
@Service
public class Integrations {

	static final int MAX_TOOLS = 1000;

	static final int MAX_CREW_SERVERS = 200;

	private static final Logger log = LoggerFactory.getLogger(Integrations.class);

	private final WorkspaceServerRepository servers;

	private final CrewServerRepository crewServers;

	private final ToolBindingRepository tools;

	private final AgentBindingRepository bindings;

	private final CrewService crews;

	private final Changes changes;

	private final JdbcTemplate jdbc;

	private final ConnectionTests tests;

	private final VaultCredentials vault;

	Integrations(WorkspaceServerRepository servers, CrewServerRepository crewServers, ToolBindingRepository tools,
			AgentBindingRepository bindings, CrewService crews, Changes changes, JdbcTemplate jdbc,
			ConnectionTests tests, VaultCredentials vault) {
		this.servers = servers;
		this.crewServers = crewServers;
		this.tools = tools;
		this.bindings = bindings;
		this.crews = crews;
		this.changes = changes;
		this.jdbc = jdbc;
		this.tests = tests;
		this.vault = vault;
	}

	// --- workspace servers

	@Transactional(readOnly = true)
	List<Integration> list(Scope scope, PageParams page) {
		return views(this.servers.page(scope.workspaceId(), page.limit(), page.offset()));
	}

	@Transactional(readOnly = true)
	Integration get(Scope scope, String id) {
		return views(List.of(find(scope.workspaceId(), id))).get(0);
	}

	/**
	 * @throws ProblemException 404 unless the workspace holds it
	 */
	public WorkspaceServer find(String workspaceId, String id) {
		return this.servers.find(id, workspaceId).orElseThrow(() -> ProblemException.notFound("Integration not found"));
	}

	@Transactional
	Integration create(Scope scope, CreateServer request) {
		return views(List.of(createServer(scope, request, Provisioning.NONE, false))).get(0);
	}

	/**
	 * Creates a workspace server, also for crew-service's own provisioning (connectors,
	 * OAuth, Composio).
	 * @param uniqueName take {@code name-2}, {@code name-3}, … when the name is taken
	 * instead of answering 409
	 */
	@Transactional
	public WorkspaceServer createServer(Scope scope, CreateServer request, Provisioning provisioning,
			boolean uniqueName) {
		ServerDefinition definition = request.definition();
		if (definition.transport == null) {
			definition.transport = ServerDefinition.STREAMABLE_HTTP;
		}
		definition.checkComplete();
		String name = freeName(request.name(), uniqueName,
				candidate -> this.servers.nameTaken(scope.workspaceId(), candidate));
		WorkspaceServer server = new WorkspaceServer(scope.workspaceId(), name, displayName(request, name), definition,
				scope.userId());
		provision(provisioning, server);
		save(() -> this.servers.saveAndFlush(server), name);
		changed("integration.created", scope, server.id, "workspace", server.name, Map.of());
		return server;
	}

	private static void provision(Provisioning provisioning, WorkspaceServer server) {
		server.credentialId = provisioning.credentialId();
		server.credType = provisioning.credType();
		server.credHeader = provisioning.credHeader();
		server.authStatus = provisioning.authStatus();
		server.source = provisioning.source();
		server.ownsCredential = provisioning.ownsCredential();
	}

	@Transactional
	Integration update(Scope scope, String id, UpdateServer request) {
		if (request.isEmpty()) {
			throw ProblemException.badRequest("No fields to update");
		}
		WorkspaceServer server = this.servers.findForUpdate(id, scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Integration not found"));
		ServerDefinition next = apply(server.definition.copy(), request, false);
		if (next.transport == null) {
			next.transport = ServerDefinition.STREAMABLE_HTTP;
		}
		next.checkComplete();
		server.definition = next;
		if (request.displayName() != null) {
			server.displayName = request.displayName().isBlank() ? server.name : request.displayName().trim();
		}
		if (request.enabled() != null) {
			server.enabled = request.enabled();
		}
		server.touch();
		this.servers.saveAndFlush(server);
		changed("integration.updated", scope, server.id, "workspace", server.name, Map.of());
		return views(List.of(server)).get(0);
	}

	/**
	 * Removes the server with every agent binding to it and every crew override of it
	 * (with theirs), in one transaction; a credential crew-service made for it leaves the
	 * vault after the commit when nothing else references it.
	 */
	@Transactional
	void delete(Scope scope, String id) {
		WorkspaceServer server = this.servers.findForUpdate(id, scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Integration not found"));
		Set<String> owned = new HashSet<>();
		for (CrewServer linked : this.crewServers.linkedTo(server.id)) {
			deleteCrewServer(scope, linked, owned);
		}
		this.bindings.deleteToServer(server.id, AgentBinding.WORKSPACE);
		if (server.ownsCredential && server.credentialId != null) {
			owned.add(server.credentialId);
		}
		this.servers.delete(server);
		this.servers.flush();
		this.jdbc.update("update composio_settings set default_mcp_server_id = null where default_mcp_server_id = ?",
				server.id);
		this.jdbc.update("delete from composio_agent_app where mcp_server_id = ?", server.id);
		changed("integration.deleted", scope, server.id, "workspace", server.name, Map.of());
		forgetCredentialsAfterCommit(scope, owned);
	}

	/** Removes a server crew-service provisioned (Composio), as {@link #delete} does. */
	@Transactional
	public void deleteProvisioned(Scope scope, String id) {
		delete(scope, id);
	}

	/**
	 * Connects for real ({@link McpProbe}) and records the outcome on the server.
	 */
	@Transactional
	TestResult test(Scope scope, String id) {
		WorkspaceServer server = find(scope.workspaceId(), id);
		McpProbe.Outcome outcome = this.tests.test(scope.workspaceId(), server.definition, server.credentialId,
				server.credType, server.credHeader);
		this.jdbc.update("update mcp_server set last_test_status = ?, last_tested_at = now() where id = ?",
				outcome.status(), server.id);
		return TestResult.of(outcome);
	}

	private List<Integration> views(List<WorkspaceServer> found) {
		if (found.isEmpty()) {
			return List.of();
		}
		List<String> ids = found.stream().map(server -> server.id).toList();
		Map<String, Long> bindingCounts = counts(
				"select mcp_server_id, count(*) from agent_mcp_binding where mcp_server_scope = 'workspace' and mcp_server_id in (%s) group by mcp_server_id",
				ids);
		Map<String, Long> crewCounts = counts(
				"select s.workspace_mcp_server_id, count(*) from crew_mcp_server s join crew c on c.id = s.crew_id and c.deleted_at is null where s.workspace_mcp_server_id in (%s) group by s.workspace_mcp_server_id",
				ids);
		return found.stream()
			.map(server -> Integration.of(server, bindingCounts.getOrDefault(server.id, 0L),
					crewCounts.getOrDefault(server.id, 0L)))
			.toList();
	}

	private Map<String, Long> counts(String sql, Collection<String> ids) {
		Map<String, Long> counts = new HashMap<>();
		this.jdbc.query(sql.formatted(String.join(",", ids.stream().map(id -> "?").toList())),
				(org.springframework.jdbc.core.RowCallbackHandler) rs -> counts.put(rs.getString(1), rs.getLong(2)),
				ids.toArray());
		return counts;
	}

	// --- crew servers

	/** Every live crew's servers, the cross-crew overview. */
	@Transactional(readOnly = true)
	List<Integration> allCrewServers(Scope scope, PageParams page) {
		List<String> ids = this.jdbc.query("""
				select s.id from crew_mcp_server s join crew c on c.id = s.crew_id and c.deleted_at is null
				 where s.workspace_id = ? order by c.name, s.name, s.id limit ? offset ?
				""", (rs, n) -> rs.getString(1), scope.workspaceId(), page.limit(), page.offset());
		Map<String, CrewServer> byId = new HashMap<>();
		this.crewServers.findAllById(ids).forEach(server -> byId.put(server.id, server));
		return crewViews(scope.workspaceId(), ids.stream().map(byId::get).filter(Objects::nonNull).toList());
	}

	@Transactional(readOnly = true)
	List<Integration> listCrew(Scope scope, String crewRef) {
		Crew crew = this.crews.find(scope.workspaceId(), crewRef);
		return crewViews(scope.workspaceId(), this.crewServers.ofCrew(crew.getId(), Limit.of(MAX_CREW_SERVERS)));
	}

	@Transactional
	Integration createCrew(Scope scope, String crewRef, CreateServer request) {
		Crew crew = this.crews.find(scope.workspaceId(), crewRef);
		return crewViews(scope.workspaceId(), List.of(createCrewServer(scope, crew, request, Provisioning.NONE, false)))
			.get(0);
	}

	/**
	 * Creates a crew server, standalone or overriding a workspace server of the same
	 * workspace (whose definition fills what this one leaves out).
	 */
	@Transactional
	public CrewServer createCrewServer(Scope scope, Crew crew, CreateServer request, Provisioning provisioning,
			boolean uniqueName) {
		ServerDefinition definition = request.definition();
		String linkId = ServerRequests.blank(request.workspaceMcpServerId());
		WorkspaceServer base = null;
		if (linkId != null) {
			base = this.servers.findForUpdate(linkId, scope.workspaceId())
				.orElseThrow(() -> ProblemException
					.badRequest("workspace_mcp_server_id does not name an integration of this workspace"));
		}
		else if (definition.transport == null) {
			definition.transport = ServerDefinition.STREAMABLE_HTTP;
		}
		definition.checkParts();
		definition.over((base != null) ? base.definition : null).checkComplete();
		if (this.jdbc.queryForObject("select count(*) from crew_mcp_server where crew_id = ?", Long.class,
				crew.getId()) >= MAX_CREW_SERVERS) {
			throw ProblemException.conflict("A crew holds at most " + MAX_CREW_SERVERS + " integrations");
		}
		String name = freeName(request.name(), uniqueName,
				candidate -> this.crewServers.nameTaken(crew.getId(), candidate));
		CrewServer server = new CrewServer(scope.workspaceId(), crew.getId(), linkId, name,
				displayName(request, (base != null && request.displayName() == null) ? base.displayName : name),
				definition, scope.userId());
		if (base != null && provisioning.credentialId() == null) {
			// an override authenticates like the server it overrides unless given its own
			server.credentialId = base.credentialId;
			server.credType = base.credType;
			server.credHeader = base.credHeader;
			server.authStatus = base.authStatus;
		}
		else {
			server.credentialId = provisioning.credentialId();
			server.credType = provisioning.credType();
			server.credHeader = provisioning.credHeader();
			server.authStatus = provisioning.authStatus();
			server.ownsCredential = provisioning.ownsCredential();
		}
		server.source = (provisioning.source() != null) ? provisioning.source() : (base != null) ? base.source : null;
		save(() -> this.crewServers.saveAndFlush(server), name);
		changed("integration.created", scope, server.id, "crew", server.name,
				crewData(server.crewId, server.workspaceServerId));
		return server;
	}

	@Transactional
	Integration updateCrew(Scope scope, String crewRef, String id, UpdateServer request) {
		if (request.isEmpty()) {
			throw ProblemException.badRequest("No fields to update");
		}
		CrewServer server = findCrewServer(scope, crewRef, id);
		WorkspaceServer base = (server.workspaceServerId != null)
				? this.servers.find(server.workspaceServerId, scope.workspaceId()).orElse(null) : null;
		ServerDefinition next = apply(server.definition.copy(), request, base != null);
		if (base == null && next.transport == null) {
			next.transport = ServerDefinition.STREAMABLE_HTTP;
		}
		next.checkParts();
		next.over((base != null) ? base.definition : null).checkComplete();
		server.definition = next;
		if (request.displayName() != null) {
			server.displayName = request.displayName().isBlank() ? server.name : request.displayName().trim();
		}
		if (request.enabled() != null) {
			server.enabled = request.enabled();
		}
		server.touch();
		this.crewServers.saveAndFlush(server);
		changed("integration.updated", scope, server.id, "crew", server.name,
				crewData(server.crewId, server.workspaceServerId));
		return crewViews(scope.workspaceId(), List.of(server)).get(0);
	}

	/**
	 * Removes the crew server with its agent bindings and tool state; a credential
	 * crew-service made for it (OAuth auto-connect) leaves the vault after the commit
	 * unless another server or binding still references it.
	 */
	@Transactional
	void deleteCrew(Scope scope, String crewRef, String id) {
		CrewServer server = findCrewServer(scope, crewRef, id);
		Set<String> owned = new HashSet<>();
		deleteCrewServer(scope, server, owned);
		forgetCredentialsAfterCommit(scope, owned);
	}

	private void deleteCrewServer(Scope scope, CrewServer server, Set<String> owned) {
		this.bindings.deleteToServer(server.id, AgentBinding.CREW);
		this.jdbc.update("delete from mcp_tool_binding where crew_mcp_server_id = ?", server.id);
		if (server.ownsCredential && server.credentialId != null) {
			owned.add(server.credentialId);
		}
		this.crewServers.delete(server);
		this.crewServers.flush();
		changed("integration.deleted", scope, server.id, "crew", server.name,
				crewData(server.crewId, server.workspaceServerId));
	}

	@Transactional
	TestResult testCrew(Scope scope, String crewRef, String id) {
		CrewServer server = findCrewServer(scope, crewRef, id);
		McpProbe.Outcome outcome = this.tests.test(scope.workspaceId(), effective(scope.workspaceId(), server),
				server.credentialId, server.credType, server.credHeader);
		this.jdbc.update("update crew_mcp_server set last_test_status = ?, last_tested_at = now() where id = ?",
				outcome.status(), server.id);
		return TestResult.of(outcome);
	}

	/**
	 * @throws ProblemException 404 unless it is a server of that crew of the workspace
	 */
	public CrewServer findCrewServer(Scope scope, String crewRef, String id) {
		Crew crew = this.crews.find(scope.workspaceId(), crewRef);
		return this.crewServers.find(id, crew.getId(), scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Crew integration not found"));
	}

	/** A crew server's definition with what it inherits from its workspace server. */
	ServerDefinition effective(String workspaceId, CrewServer server) {
		if (server.workspaceServerId == null) {
			return server.definition;
		}
		return server.definition
			.over(this.servers.find(server.workspaceServerId, workspaceId).map(base -> base.definition).orElse(null));
	}

	private List<Integration> crewViews(String workspaceId, List<CrewServer> found) {
		if (found.isEmpty()) {
			return List.of();
		}
		Map<String, Crew> crewsById = this.crews.findAll(workspaceId,
				found.stream().map(server -> server.crewId).distinct().toList());
		Map<String, Long> bindingCounts = counts(
				"select mcp_server_id, count(*) from agent_mcp_binding where mcp_server_scope = 'crew' and mcp_server_id in (%s) group by mcp_server_id",
				found.stream().map(server -> server.id).toList());
		Map<String, ServerDefinition> bases = new HashMap<>();
		found.stream()
			.map(server -> server.workspaceServerId)
			.filter(Objects::nonNull)
			.distinct()
			.forEach(baseId -> this.servers.find(baseId, workspaceId)
				.ifPresent(base -> bases.put(baseId, base.definition)));
		List<Integration> views = new ArrayList<>();
		for (CrewServer server : found) {
			Crew crew = crewsById.get(server.crewId);
			ServerDefinition effective = (server.workspaceServerId != null)
					? server.definition.over(bases.get(server.workspaceServerId)) : server.definition;
			views.add(Integration.of(server, effective, (crew != null) ? crew.getName() : null,
					(crew != null) ? crew.getSlug() : null, bindingCounts.getOrDefault(server.id, 0L)));
		}
		return views;
	}

	// --- per-tool state

	@Transactional(readOnly = true)
	List<Tool> tools(Scope scope, String crewRef, String id) {
		CrewServer server = findCrewServer(scope, crewRef, id);
		return this.tools.ofServer(server.id, Limit.of(MAX_TOOLS)).stream().map(Tool::of).toList();
	}

	/** Upserts one tool's state; a fresh row starts enabled. */
	@Transactional
	public ToolUpdated updateTool(Scope scope, String crewRef, String id, String toolName, Boolean enabled,
			String description, boolean descriptionGiven) {
		if (toolName == null || toolName.isBlank() || toolName.length() > 200) {
			throw ProblemException.badRequest("toolName must be 1-200 characters");
		}
		if (enabled == null && !descriptionGiven) {
			throw ProblemException.badRequest("Give enabled or description");
		}
		CrewServer server = findCrewServer(scope, crewRef, id);
		ToolBinding binding = this.tools.find(server.id, toolName)
			.orElseGet(() -> new ToolBinding(server.id, toolName, null));
		if (enabled != null) {
			binding.enabled = enabled;
		}
		if (descriptionGiven) {
			binding.description = description;
		}
		binding.touch();
		save(() -> this.tools.saveAndFlush(binding), toolName);
		Map<String, Object> data = crewData(server.crewId, server.workspaceServerId);
		data.put("tool_name", toolName);
		data.put("tool_enabled", binding.enabled);
		changed("integration.updated", scope, server.id, "crew", server.name, data);
		return ToolUpdated.of(binding);
	}

	/**
	 * Reconciles the tool rows with a list: the one posted, or (no {@code tools} in the
	 * body) the server's live {@code tools/list}. New tools start enabled, known ones get
	 * the new description and keep their state, absent ones stay.
	 */
	@Transactional
	Refreshed refreshTools(Scope scope, String crewRef, String id, List<ToolInfo> posted) {
		CrewServer server = findCrewServer(scope, crewRef, id);
		List<McpProbe.Tool> listed;
		String source;
		if (posted != null) {
			listed = posted.stream().map(tool -> new McpProbe.Tool(tool.name(), tool.description(), null)).toList();
			source = "request";
		}
		else {
			McpProbe.Outcome outcome = this.tests.test(scope.workspaceId(), effective(scope.workspaceId(), server),
					server.credentialId, server.credType, server.credHeader);
			if (!outcome.ok() || outcome.tools() == null) {
				String message = (outcome.ok())
						? "The server's tools were not listed (stdio servers are not launched by this instance); post them in \"tools\""
						: outcome.message();
				return new Refreshed(outcome.ok() ? "error" : outcome.status(), false, message, 0, 0, 0);
			}
			listed = outcome.tools();
			source = "server";
		}
		if (listed.size() > MAX_TOOLS) {
			throw ProblemException.badRequest("At most " + MAX_TOOLS + " tools");
		}
		Map<String, ToolBinding> known = new HashMap<>();
		this.tools.ofServer(server.id, Limit.of(MAX_TOOLS + 1)).forEach(tool -> known.put(tool.toolName, tool));
		int created = 0;
		int updated = 0;
		Set<String> seen = new HashSet<>();
		for (McpProbe.Tool tool : listed) {
			if (tool.name() == null || tool.name().isBlank() || tool.name().length() > 200) {
				throw ProblemException.badRequest("Every tool needs a name of 1-200 characters");
			}
			if (!seen.add(tool.name())) {
				continue;
			}
			String schema = (tool.inputSchema() != null) ? IntegrationsJson.write(tool.inputSchema()) : null;
			ToolBinding binding = known.get(tool.name());
			if (binding == null) {
				if (known.size() + created >= MAX_TOOLS) {
					throw ProblemException.conflict("A crew integration holds at most " + MAX_TOOLS + " tools");
				}
				binding = new ToolBinding(server.id, tool.name(), tool.description());
				binding.inputSchema = schema;
				this.tools.save(binding);
				created++;
			}
			else if (!Objects.equals(binding.description, tool.description())
					|| (schema != null && !schema.equals(binding.inputSchema))) {
				binding.description = tool.description();
				if (schema != null) {
					binding.inputSchema = schema;
				}
				binding.touch();
				updated++;
			}
		}
		this.tools.flush();
		if (created + updated > 0) {
			Map<String, Object> data = crewData(server.crewId, server.workspaceServerId);
			data.put("tools_created", created);
			data.put("tools_updated", updated);
			changed("integration.updated", scope, server.id, "crew", server.name, data);
		}
		return new Refreshed("ok", true, "Reconciled " + listed.size() + " tools from the " + source + ": " + created
				+ " new, " + updated + " updated", created, updated, posted != null ? posted.size() : listed.size());
	}

	// --- shared

	private static ServerDefinition apply(ServerDefinition definition, UpdateServer request, boolean mayInherit) {
		if (request.transport() != null) {
			definition.transport = request.transport().isBlank()
					? (mayInherit ? null : ServerDefinition.STREAMABLE_HTTP)
					: ServerDefinition.normalizeTransport(request.transport());
		}
		definition.endpoint = Fields.text(request.endpoint(), definition.endpoint);
		definition.command = Fields.text(request.command(), definition.command);
		definition.argsJson = Fields.text(request.argsJson(), definition.argsJson);
		definition.envJson = Fields.text(request.envJson(), definition.envJson);
		definition.configJson = Fields.text(request.configJson(), definition.configJson);
		definition.icon = Fields.text(request.icon(), definition.icon);
		return definition;
	}

	private static String displayName(CreateServer request, String fallback) {
		return (request.displayName() != null && !request.displayName().isBlank()) ? request.displayName().trim()
				: fallback;
	}

	private static String freeName(String name, boolean unique, java.util.function.Predicate<String> taken) {
		if (!taken.test(name)) {
			return name;
		}
		if (!unique) {
			throw ProblemException.conflict("Integration with name '" + name + "' already exists");
		}
		for (int n = 2; n < 100; n++) {
			String candidate = name.substring(0, Math.min(name.length(), 95)) + "-" + n;
			if (!taken.test(candidate)) {
				return candidate;
			}
		}
		throw ProblemException.conflict("No free integration name like '" + name + "'");
	}

	/** A concurrent create of the same name loses to the unique index: 409, not 500. */
	private static void save(Runnable save, String name) {
		try {
			save.run();
		}
		catch (DataIntegrityViolationException ex) {
			throw ProblemException.conflict("Integration with name '" + name + "' already exists");
		}
	}

	static Map<String, Object> crewData(String crewId, String workspaceServerId) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("crew_id", crewId);
		if (workspaceServerId != null) {
			data.put("workspace_mcp_server_id", workspaceServerId);
		}
		return data;
	}

	void changed(String type, Scope scope, String id, String tier, String name, Map<String, Object> extra) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", id);
		data.put("scope", tier);
		data.put("name", name);
		data.putAll(extra);
		this.changes.record(type, scope.workspaceId(), switch (tier) {
			case "crew" -> "crew_integration";
			case "agent" -> "agent_integration";
			default -> "integration";
		}, id, scope.userId(), data);
	}

	/**
	 * Credentials crew-service made for removed servers leave the vault once the removal
	 * committed — unless a server or binding still names them. Best effort: a vault that
	 * cannot answer leaves a credential the workspace can still see and delete.
	 */
	void forgetCredentialsAfterCommit(Scope scope, Set<String> credentialIds) {
		if (credentialIds.isEmpty()) {
			return;
		}
		List<String> unreferenced = credentialIds.stream()
			.filter(credentialId -> this.servers.byCredential(scope.workspaceId(), credentialId).isEmpty()
					&& this.crewServers.byCredential(scope.workspaceId(), credentialId).isEmpty()
					&& !this.bindings.credentialUsed(scope.workspaceId(), credentialId))
			.toList();
		if (unreferenced.isEmpty()) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				for (String credentialId : unreferenced) {
					try {
						Integrations.this.vault.delete(scope.workspaceId(), credentialId, scope.userId());
					}
					catch (RuntimeException ex) {
						log.warn("Could not delete credential {} of a removed integration from the vault: {}",
								credentialId, ex.getMessage());
					}
				}
			}
		});
	}

}
