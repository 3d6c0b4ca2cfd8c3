package crewship.crew.agents;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.images.ImageResponses;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * {@code /api/v1/agents/{agentId}/avatar}: store ({@code {"svg": "…"}}, the agent's edit
 * gate), read (any member; {@code image/svg+xml} never sniffed, under a sandboxing CSP;
 * {@code ?v=} is a cache key the server ignores) and clear.
 */
@RestController
class AgentAvatarController {

	private static final String PATH = "/api/v1/agents/{agentId}/avatar";

	private final AgentAvatars avatars;

	private final WorkspaceScope scopes;

	AgentAvatarController(AgentAvatars avatars, WorkspaceScope scopes) {
		this.avatars = avatars;
		this.scopes = scopes;
	}

	record StoreAvatar(String svg) {
	}

	@PutMapping(PATH)
	Map<String, Object> store(@PathVariable String agentId, @RequestBody StoreAvatar body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.avatars.store(this.scopes.require(caller, request, Action.CREATE), agentId, body.svg());
	}

	@GetMapping(PATH)
	ResponseEntity<byte[]> read(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		return ImageResponses.svg(this.avatars.read(this.scopes.require(caller, request, Action.READ), agentId));
	}

	@DeleteMapping(PATH)
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void clear(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		this.avatars.clear(this.scopes.require(caller, request, Action.CREATE), agentId);
	}

}
