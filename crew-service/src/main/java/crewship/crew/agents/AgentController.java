package crewship.crew.agents;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.agents.AgentRequests.CreateAgent;
import crewship.crew.agents.AgentRequests.Hire;
import crewship.crew.agents.AgentRequests.Rehire;
import crewship.crew.agents.AgentRequests.SetPersona;
import crewship.crew.agents.AgentRequests.UpdateAgent;
import crewship.crew.agents.Hiring.HireView;
import crewship.crew.persona.PersonaStore;
import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;

/**
 * {@code /api/v1/agents/**}. The webhook secret's rotation is answered here (the agent's
 * edit gate is crew-service's) while the secret itself is minted and kept by
 * credential-vault-service.
 */
@RestController
class AgentController {

	private final AgentService agents;

	private final Hiring hiring;

	private final WorkspaceScope scopes;

	AgentController(AgentService agents, Hiring hiring, WorkspaceScope scopes) {
		this.agents = agents;
		this.hiring = hiring;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/agents")
	List<AgentView> list(@RequestParam(name = "crew_id", required = false) String crewId,
			@PageParams.Defaults(limit = 50) PageParams page, IdentityAssertion caller, HttpServletRequest request) {
		return this.agents.list(this.scopes.require(caller, request, Action.READ), crewId, page);
	}

	@PostMapping("/api/v1/agents")
	@ResponseStatus(HttpStatus.CREATED)
	AgentView create(@Valid @RequestBody CreateAgent body, IdentityAssertion caller, HttpServletRequest request) {
		return this.agents.create(this.scopes.require(caller, request, Action.CREATE), body);
	}

	@GetMapping("/api/v1/agents/crews-status")
	Map<String, Object> crewsStatus(IdentityAssertion caller, HttpServletRequest request) {
		return this.agents.crewsStatus(this.scopes.require(caller, request, Action.READ));
	}

	@GetMapping("/api/v1/agents/{agentId}")
	AgentView get(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		return this.agents.get(this.scopes.require(caller, request, Action.READ), agentId);
	}

	@PatchMapping("/api/v1/agents/{agentId}")
	AgentView update(@PathVariable String agentId, @Valid @RequestBody UpdateAgent body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.agents.update(this.scopes.require(caller, request, Action.READ), agentId, body);
	}

	@DeleteMapping("/api/v1/agents/{agentId}")
	Map<String, Object> delete(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		this.agents.delete(this.scopes.require(caller, request, Action.READ), agentId);
		return Map.of("success", true);
	}

	/** The new secret, exactly once: never cached, never readable again. */
	@PostMapping("/api/v1/agents/{agentId}/webhook-secret/rotate")
	ResponseEntity<AgentService.RotatedSecret> rotateWebhookSecret(@PathVariable String agentId,
			IdentityAssertion caller, HttpServletRequest request) {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.agents.rotateWebhookSecret(this.scopes.require(caller, request, Action.READ), agentId));
	}

	/**
	 * 201 for a live contractor, 202 when the crew's guided policy holds it for review.
	 */
	@PostMapping("/api/v1/agents/hire")
	ResponseEntity<HireView> hire(@Valid @RequestBody Hire body, IdentityAssertion caller, HttpServletRequest request) {
		HireView hired = this.hiring.hire(this.scopes.require(caller, request, Action.CREATE), body);
		return ResponseEntity.status(hired.pendingReview() ? HttpStatus.ACCEPTED : HttpStatus.CREATED).body(hired);
	}

	@PostMapping("/api/v1/agents/{agentId}/rehire")
	HireView rehire(@PathVariable String agentId, @Valid @RequestBody Rehire body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.hiring.rehire(this.scopes.require(caller, request, Action.CREATE), agentId, body);
	}

	@PostMapping("/api/v1/agents/{agentId}/approve-hire")
	Map<String, Object> approveHire(@PathVariable String agentId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.hiring.approve(this.scopes.require(caller, request, Action.CREATE), agentId);
	}

	@GetMapping("/api/v1/agents/{agentId}/persona")
	Map<String, Object> persona(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		return this.agents.persona(this.scopes.require(caller, request, Action.READ), agentId);
	}

	@PutMapping("/api/v1/agents/{agentId}/persona")
	Map<String, Object> setPersona(@PathVariable String agentId, @Valid @RequestBody SetPersona body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.agents.setPersona(this.scopes.require(caller, request, Action.READ), agentId, body.content());
	}

	@DeleteMapping("/api/v1/agents/{agentId}/persona")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void resetPersona(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		this.agents.resetPersona(this.scopes.require(caller, request, Action.READ), agentId);
	}

	/**
	 * Newest first, as a bare array: the reference schema's shape (the page's
	 * {@code {"entries":[…]}} wrapper broke clients built on the schema).
	 */
	@GetMapping("/api/v1/agents/{agentId}/persona/history")
	List<PersonaStore.Version> personaHistory(@PathVariable String agentId,
			@RequestParam(name = "limit", defaultValue = "20") int limit, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.agents.personaHistory(this.scopes.require(caller, request, Action.READ), agentId,
				Math.clamp(limit, 1, PageParams.MAX_LIMIT));
	}

}
