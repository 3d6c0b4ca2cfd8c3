package crewship.crew.agents;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.workspace.WorkspaceOwnership;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/internal/agents/{agentId}}, internal callers only: the workspace of
 * a live agent, by id (an expired, ghosted agent still is one). 404 for an unknown or
 * deleted agent.
 */
@RestController
class InternalAgentController {

	private final AgentRepository agents;

	InternalAgentController(AgentRepository agents) {
		this.agents = agents;
	}

	@GetMapping("/api/v1/internal/agents/{agentId}")
	WorkspaceOwnership agent(@PathVariable String agentId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return this.agents.workspaceOfLive(agentId)
			.map(workspaceId -> new WorkspaceOwnership(agentId, workspaceId))
			.orElseThrow(() -> ProblemException.notFound("No such agent"));
	}

}
