package crewship.crew.integrations;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.integrations.IntegrationViews.AgentBindingView;
import crewship.crew.integrations.IntegrationViews.Integration;
import crewship.crew.integrations.IntegrationViews.Refreshed;
import crewship.crew.integrations.IntegrationViews.TestResult;
import crewship.crew.integrations.IntegrationViews.Tool;
import crewship.crew.integrations.IntegrationViews.ToolInfo;
import crewship.crew.integrations.IntegrationViews.ToolUpdated;
import crewship.crew.integrations.ServerRequests.CreateServer;
import crewship.crew.integrations.ServerRequests.UpdateServer;
import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * The MCP integration endpoints of the page at their three tiers: workspace servers
 * ({@code /api/v1/integrations}), crew servers and their tools
 * ({@code /api/v1/crews/{crewId}/integrations}) and agent bindings
 * ({@code /api/v1/agents/{agentId}/integrations}). Roles as the page gives them: reads
 * for any member, tests for MANAGER+ ({@code create}), crew servers and agent bindings
 * made by MANAGER+, the rest OWNER/ADMIN ({@code manage}).
 */
@RestController
class IntegrationController {

	private final Integrations integrations;

	private final AgentIntegrations agents;

	private final WorkspaceScope scopes;

	IntegrationController(Integrations integrations, AgentIntegrations agents, WorkspaceScope scopes) {
		this.integrations = integrations;
		this.agents = agents;
		this.scopes = scopes;
	}

	// --- workspace

	@GetMapping("/api/v1/integrations")
	List<Integration> list(@PageParams.Defaults(limit = 100) PageParams page, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.integrations.list(this.scopes.require(caller, request, Action.READ), page);
	}

	@PostMapping("/api/v1/integrations")
	@ResponseStatus(HttpStatus.CREATED)
	Integration create(@Valid @RequestBody CreateServer body, IdentityAssertion caller, HttpServletRequest request) {
		if (body.workspaceMcpServerId() != null) {
			throw ProblemException.badRequest("workspace_mcp_server_id belongs to crew integrations");
		}
		return this.integrations.create(this.scopes.require(caller, request, Action.MANAGE), body);
	}

	@GetMapping("/api/v1/integrations/crews")
	List<Integration> crews(@PageParams.Defaults(limit = 100) PageParams page, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.integrations.allCrewServers(this.scopes.require(caller, request, Action.READ), page);
	}

	@GetMapping("/api/v1/integrations/{integrationId}")
	Integration get(@PathVariable String integrationId, IdentityAssertion caller, HttpServletRequest request) {
		return this.integrations.get(this.scopes.require(caller, request, Action.READ), integrationId);
	}

	@PatchMapping("/api/v1/integrations/{integrationId}")
	Integration update(@PathVariable String integrationId, @Valid @RequestBody UpdateServer body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.integrations.update(this.scopes.require(caller, request, Action.MANAGE), integrationId, body);
	}

	@DeleteMapping("/api/v1/integrations/{integrationId}")
	Map<String, String> delete(@PathVariable String integrationId, IdentityAssertion caller,
			HttpServletRequest request) {
		this.integrations.delete(this.scopes.require(caller, request, Action.MANAGE), integrationId);
		return Map.of("status", "deleted");
	}

	@PostMapping("/api/v1/integrations/{integrationId}/test")
	TestResult test(@PathVariable String integrationId, IdentityAssertion caller, HttpServletRequest request) {
		return this.integrations.test(this.scopes.require(caller, request, Action.CREATE), integrationId);
	}

	// --- crew

	@GetMapping("/api/v1/crews/{crewId}/integrations")
	List<Integration> listCrew(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		return this.integrations.listCrew(this.scopes.require(caller, request, Action.READ), crewId);
	}

	@PostMapping("/api/v1/crews/{crewId}/integrations")
	@ResponseStatus(HttpStatus.CREATED)
	Integration createCrew(@PathVariable String crewId, @Valid @RequestBody CreateServer body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.integrations.createCrew(this.scopes.require(caller, request, Action.CREATE), crewId, body);
	}

	@PatchMapping("/api/v1/crews/{crewId}/integrations/{integrationId}")
	Integration updateCrew(@PathVariable String crewId, @PathVariable String integrationId,
			@Valid @RequestBody UpdateServer body, IdentityAssertion caller, HttpServletRequest request) {
		return this.integrations.updateCrew(this.scopes.require(caller, request, Action.MANAGE), crewId, integrationId,
				body);
	}

	@DeleteMapping("/api/v1/crews/{crewId}/integrations/{integrationId}")
	Map<String, String> deleteCrew(@PathVariable String crewId, @PathVariable String integrationId,
			IdentityAssertion caller, HttpServletRequest request) {
		this.integrations.deleteCrew(this.scopes.require(caller, request, Action.MANAGE), crewId, integrationId);
		return Map.of("status", "deleted");
	}

	@PostMapping("/api/v1/crews/{crewId}/integrations/{integrationId}/test")
	TestResult testCrew(@PathVariable String crewId, @PathVariable String integrationId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.integrations.testCrew(this.scopes.require(caller, request, Action.CREATE), crewId, integrationId);
	}

	@GetMapping("/api/v1/crews/{crewId}/integrations/{integrationId}/tools")
	List<Tool> tools(@PathVariable String crewId, @PathVariable String integrationId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.integrations.tools(this.scopes.require(caller, request, Action.READ), crewId, integrationId);
	}

	/** Refresh reconciles before a {@code {toolName}} could match "refresh". */
	@PostMapping("/api/v1/crews/{crewId}/integrations/{integrationId}/tools/refresh")
	Refreshed refreshTools(@PathVariable String crewId, @PathVariable String integrationId,
			@Valid @RequestBody(required = false) RefreshTools body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.integrations.refreshTools(this.scopes.require(caller, request, Action.MANAGE), crewId,
				integrationId, (body != null) ? body.tools() : null);
	}

	/** The tools to reconcile with; without them, the server's live list. */
	record RefreshTools(@Size(max = Integrations.MAX_TOOLS) List<ToolInfo> tools) {
	}

	@PatchMapping("/api/v1/crews/{crewId}/integrations/{integrationId}/tools/{toolName}")
	ToolUpdated updateTool(@PathVariable String crewId, @PathVariable String integrationId,
			@PathVariable String toolName, @RequestBody JsonNode body, IdentityAssertion caller,
			HttpServletRequest request) {
		if (body == null || !body.isObject()) {
			throw ProblemException.badRequest("The body must be a JSON object");
		}
		JsonNode enabled = body.get("enabled");
		if (enabled != null && !enabled.isNull() && !enabled.isBoolean()) {
			throw ProblemException.badRequest("enabled must be a boolean");
		}
		JsonNode description = body.get("description");
		if (description != null && !description.isNull() && !description.isString()) {
			throw ProblemException.badRequest("description must be a string");
		}
		if (description != null && description.isString() && description.asString().length() > 4000) {
			throw ProblemException.badRequest("description exceeds 4000 characters");
		}
		return this.integrations.updateTool(this.scopes.require(caller, request, Action.MANAGE), crewId, integrationId,
				toolName, (enabled != null && enabled.isBoolean()) ? enabled.asBoolean() : null,
				(description != null && description.isString()) ? description.asString() : null, description != null);
	}

	// --- agent

	@GetMapping("/api/v1/agents/{agentId}/integrations")
	List<AgentBindingView> listAgent(@PathVariable String agentId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.agents.list(this.scopes.require(caller, request, Action.READ), agentId);
	}

	@PostMapping("/api/v1/agents/{agentId}/integrations")
	@ResponseStatus(HttpStatus.CREATED)
	AgentBindingView createAgent(@PathVariable String agentId, @Valid @RequestBody AgentIntegrations.CreateBinding body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.agents.create(this.scopes.require(caller, request, Action.CREATE), agentId, body);
	}

	@GetMapping("/api/v1/agents/{agentId}/integrations/resolved")
	Map<String, Object> resolved(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		return Map.of("integrations", this.agents.resolve(this.scopes.require(caller, request, Action.READ), agentId));
	}

	@PatchMapping("/api/v1/agents/{agentId}/integrations/{integrationId}")
	AgentBindingView updateAgent(@PathVariable String agentId, @PathVariable String integrationId,
			@Valid @RequestBody AgentIntegrations.UpdateBinding body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.agents.update(this.scopes.require(caller, request, Action.CREATE), agentId, integrationId, body);
	}

	@DeleteMapping("/api/v1/agents/{agentId}/integrations/{integrationId}")
	Map<String, String> deleteAgent(@PathVariable String agentId, @PathVariable String integrationId,
			IdentityAssertion caller, HttpServletRequest request) {
		this.agents.delete(this.scopes.require(caller, request, Action.CREATE), agentId, integrationId);
		return Map.of("status", "deleted");
	}

}
