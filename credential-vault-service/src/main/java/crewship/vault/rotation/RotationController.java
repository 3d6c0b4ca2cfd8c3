package crewship.vault.rotation;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.MemberCapability;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.vault.credentials.RequestOrigin;
import crewship.vault.workspace.CurrentWorkspace;
import crewship.vault.workspace.CurrentWorkspace.Current;

/**
 * Rotate, list rotations, end a grace window early. Rotating and cancelling need
 * OWNER/ADMIN or the {@code credential.rotate} capability (an on-call MEMBER rotates a
 * leaked token without blanket vault access).
 */
@RestController
class RotationController {

	private final Rotations rotations;

	private final CurrentWorkspace workspace;

	RotationController(Rotations rotations, CurrentWorkspace workspace) {
		this.rotations = rotations;
		this.workspace = workspace;
	}

	record RotateRequest(@NotNull @Size(max = 65536) String value, Integer graceSeconds) {
	}

	@PostMapping("/api/v1/credentials/{credentialId}/rotate")
	Rotations.Rotation rotate(@PathVariable String credentialId, @Valid @RequestBody RotateRequest body,
			IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.MANAGE, MemberCapability.CREDENTIAL_ROTATE);
		return this.rotations.rotate(current.workspaceId(), credentialId, caller.subject(), RequestOrigin.of(request),
				body.value(), (body.graceSeconds() != null) ? body.graceSeconds() : 86400);
	}

	@GetMapping("/api/v1/credentials/{credentialId}/rotations")
	List<Rotations.Rotation> history(@PathVariable String credentialId, IdentityAssertion caller,
			HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.READ);
		return this.rotations.history(current.workspaceId(), credentialId, current.role());
	}

	@DeleteMapping("/api/v1/credential-rotations/{rotationId}")
	Map<String, Object> cancel(@PathVariable String rotationId, IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.MANAGE, MemberCapability.CREDENTIAL_ROTATE);
		return this.rotations.cancel(current.workspaceId(), rotationId, caller.subject(), RequestOrigin.of(request));
	}

}
