package crewship.vault.reveal;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;
import crewship.vault.credentials.RequestOrigin;
import crewship.vault.workspace.CurrentWorkspace;
import crewship.vault.workspace.CurrentWorkspace.Current;

/** Reveal and the workspace reveal switch. */
@RestController
class RevealController {

	private final Reveals reveals;

	private final RevealPolicies policies;

	private final CurrentWorkspace workspace;

	RevealController(Reveals reveals, RevealPolicies policies, CurrentWorkspace workspace) {
		this.reveals = reveals;
		this.policies = policies;
		this.workspace = workspace;
	}

	record RevealRequest(String reason) {
	}

	record PolicyChange(@NotNull Boolean enabled) {
	}

	@PostMapping("/api/v1/credentials/{credentialId}/reveal")
	ResponseEntity<Reveals.Revealed> reveal(@PathVariable String credentialId,
			@RequestBody(required = false) RevealRequest body, IdentityAssertion caller, HttpServletRequest request) {
		// the session gate first: a CLI token learns nothing, not even whether it is a
		// member
		Reveals.requireInteractiveSession(caller);
		Current current = this.workspace.authorise(caller, request, Action.READ);
		Reveals.Revealed revealed = this.reveals.reveal(caller, current, credentialId,
				(body != null) ? body.reason() : null, RequestOrigin.of(request));
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(revealed);
	}

	/** MANAGER+ read it: whether reveal is on is target-selection information. */
	@GetMapping("/api/v1/credentials/reveal-policy")
	Map<String, Object> policy(IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.CREATE);
		return Map.of("workspace_id", current.workspaceId(), "enabled", this.policies.enabled(current.workspaceId()));
	}

	@PutMapping("/api/v1/credentials/reveal-policy")
	Map<String, Object> setPolicy(@Valid @RequestBody PolicyChange body, IdentityAssertion caller,
			HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.MANAGE);
		if (current.role() != WorkspaceRole.OWNER) {
			throw ProblemException.forbidden("Only an OWNER sets the reveal policy");
		}
		this.policies.set(current.workspaceId(), body.enabled(), caller.subject(), RequestOrigin.of(request));
		return Map.of("workspace_id", current.workspaceId(), "enabled", body.enabled());
	}

}
