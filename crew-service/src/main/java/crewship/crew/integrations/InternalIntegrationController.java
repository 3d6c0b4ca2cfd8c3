package crewship.crew.integrations;

import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/internal/agents/{agentId}/mcp-servers?workspace_id=}, internal
 * callers only (the run engine, through the gateway's internal listener): the MCP servers
 * an agent's run connects to, resolved as {@code /integrations/resolved} resolves them
 * (agent &gt; crew &gt; workspace, disabled tools listed apart). Credentials appear by id
 * only; 404 for an agent that is not a live agent of that workspace.
 */
@RestController
class InternalIntegrationController {

	private final AgentIntegrations agents;

	InternalIntegrationController(AgentIntegrations agents) {
		this.agents = agents;
	}

	@GetMapping("/api/v1/internal/agents/{agentId}/mcp-servers")
	Map<String, Object> servers(@PathVariable String agentId,
			@RequestParam(name = "workspace_id", required = false) String workspaceId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		if (workspaceId == null || workspaceId.isBlank()) {
			throw ProblemException.badRequest("workspace_id is required");
		}
		List<Map<String, Object>> servers = this.agents.forRuns(workspaceId.trim(), agentId);
		return Map.of("agent_id", agentId, "workspace_id", workspaceId.trim(), "servers", servers);
	}

}
