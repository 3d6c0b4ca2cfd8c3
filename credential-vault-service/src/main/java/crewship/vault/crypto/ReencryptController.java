package crewship.vault.crypto;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.vault.workspace.CurrentWorkspace;
import tools.jackson.databind.JsonNode;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * {@code POST /api/v1/admin/reencrypt}: instance-wide, for an OWNER or ADMIN of the
 * current workspace (the admin pages' rule).
 */
@RestController
class ReencryptController {

	private final Reencryption reencryption;

	private final CurrentWorkspace workspace;

	ReencryptController(Reencryption reencryption, CurrentWorkspace workspace) {
		this.reencryption = reencryption;
		this.workspace = workspace;
	}

	@PostMapping("/api/v1/admin/reencrypt")
	Reencryption.Report reencrypt(
			/* parsed only to refuse a malformed body */ @RequestBody(required = false) JsonNode ignoredBody,
			IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.MANAGE).workspaceId();
		return this.reencryption.run(workspaceId, caller.subject());
	}

}
