package crewship.crew.peers;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.peers.AgentPeerIndex.Peer;
import crewship.crew.workspace.WorkspaceScope;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/agents/{agentId}/peers}: the agent's peer-card index, no content.
 * The reference document's schema is a bare array (the page shows it wrapped in an
 * object); the array is served, as clients read that schema.
 */
@RestController
class AgentPeerController {

	private final AgentPeerIndex index;

	private final JdbcClient jdbc;

	private final WorkspaceScope scopes;

	AgentPeerController(AgentPeerIndex index, JdbcClient jdbc, WorkspaceScope scopes) {
		this.index = index;
		this.jdbc = jdbc;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/agents/{agentId}/peers")
	List<Peer> peers(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		Scope scope = this.scopes.require(caller, request, Action.READ);
		List<String> crews = this.jdbc
			.sql("select coalesce(crew_id, '') from agent where id = :id and workspace_id = :ws and deleted_at is null")
			.param("id", agentId)
			.param("ws", scope.workspaceId())
			.query(String.class)
			.list();
		if (crews.isEmpty()) {
			throw ProblemException.notFound("Agent not found");
		}
		if (crews.get(0).isEmpty()) {
			throw ProblemException.conflict("The agent has no crew; peer cards require a crew");
		}
		return this.index.forAgent(agentId, PageParams.MAX_LIMIT * 5);
	}

}
