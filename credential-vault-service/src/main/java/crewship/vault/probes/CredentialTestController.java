package crewship.vault.probes;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.vault.credentials.RequestOrigin;
import crewship.vault.workspace.CurrentWorkspace;

/**
 * {@code POST /api/v1/credentials/test} (a value before it is saved; any signed-in user)
 * and {@code POST /api/v1/credentials/{id}/test} (a stored one; MANAGER+).
 */
@RestController
class CredentialTestController {

	private final CredentialTests tests;

	private final CurrentWorkspace workspace;

	CredentialTestController(CredentialTests tests, CurrentWorkspace workspace) {
		this.tests = tests;
		this.workspace = workspace;
	}

	record TestRequest(String provider, String type, @NotNull @Size(max = 65536) String value) {
	}

	@PostMapping("/api/v1/credentials/test")
	ProbeResult test(@Valid @RequestBody TestRequest body, IdentityAssertion caller) {
		caller.requireUser();
		return this.tests.testValue(body.provider(), body.type(), body.value());
	}

	@PostMapping("/api/v1/credentials/{credentialId}/test")
	ProbeResult testStored(@PathVariable String credentialId, IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.CREATE).workspaceId();
		return this.tests.testStored(workspaceId, credentialId, caller.subject(), RequestOrigin.of(request));
	}

}
