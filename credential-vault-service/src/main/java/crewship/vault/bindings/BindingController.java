package crewship.vault.bindings;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.vault.credentials.RequestOrigin;
import crewship.vault.workspace.CurrentWorkspace;

/**
 * Bindings ({@code /api/v1/credentials/bindings}), an agent's resolved slots and its
 * explicit credential grants ({@code /api/v1/agents/{id}/credential-bindings},
 * {@code /api/v1/agents/{id}/credentials}). Values never appear here.
 */
@RestController
class BindingController {

	private final Bindings bindings;

	private final AgentGrants grants;

	private final SlotResolver resolver;

	private final CurrentWorkspace workspace;

	BindingController(Bindings bindings, AgentGrants grants, SlotResolver resolver, CurrentWorkspace workspace) {
		this.bindings = bindings;
		this.grants = grants;
		this.resolver = resolver;
		this.workspace = workspace;
	}

	@GetMapping("/api/v1/credentials/bindings")
	Map<String, List<Bindings.Binding>> list(@RequestParam(required = false) String scope,
			@RequestParam(name = "crew_id", required = false) String crewId,
			@RequestParam(name = "agent_id", required = false) String agentId,
			@RequestParam(name = "credential_id", required = false) String credentialId,
			@RequestParam(required = false) String slot, IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.READ).workspaceId();
		return Map.of("bindings",
				this.bindings.list(workspaceId, new Bindings.Filter(scope, crewId, agentId, credentialId, slot)));
	}

	@PostMapping("/api/v1/credentials/bindings")
	@ResponseStatus(HttpStatus.CREATED)
	Bindings.Binding create(@RequestBody Bindings.NewBinding body, IdentityAssertion caller,
			HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.MANAGE).workspaceId();
		return this.bindings.create(workspaceId, caller.subject(), RequestOrigin.of(request), body);
	}

	@DeleteMapping("/api/v1/credentials/bindings/{bindingId}")
	ResponseEntity<Void> delete(@PathVariable String bindingId, IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.MANAGE).workspaceId();
		this.bindings.delete(workspaceId, bindingId, caller.subject(), RequestOrigin.of(request));
		return ResponseEntity.noContent().build();
	}

	/**
	 * The resolved slots as a bare array (the reference schema; the page's
	 * {@code {agent_id, slots, warnings}} wrapper broke clients built on the schema). A
	 * crew-linked credential delivered under another name carries its {@code warning} on
	 * its slot.
	 */
	@GetMapping("/api/v1/agents/{agentId}/credential-bindings")
	List<SlotResolver.Slot> slots(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.READ).workspaceId();
		return this.resolver.resolve(this.grants.requireAgent(workspaceId, agentId)).slots();
	}

	@GetMapping("/api/v1/agents/{agentId}/credentials")
	List<Map<String, Object>> agentCredentials(@PathVariable String agentId, IdentityAssertion caller,
			HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.READ).workspaceId();
		return this.resolver.grants(this.grants.requireAgent(workspaceId, agentId));
	}

	@PostMapping("/api/v1/agents/{agentId}/credentials")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, String> assign(@PathVariable String agentId, @RequestBody AgentGrants.Assign body,
			IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.MANAGE).workspaceId();
		return Map.of("id",
				this.grants.assign(workspaceId, agentId, caller.subject(), RequestOrigin.of(request), body));
	}

	@DeleteMapping("/api/v1/agents/{agentId}/credentials/{assignmentId}")
	Map<String, Object> remove(@PathVariable String agentId, @PathVariable String assignmentId,
			IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.MANAGE).workspaceId();
		this.grants.remove(workspaceId, agentId, assignmentId, caller.subject(), RequestOrigin.of(request));
		return Map.of("success", true);
	}

}
