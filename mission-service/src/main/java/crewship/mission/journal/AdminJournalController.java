package crewship.mission.journal;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * {@code GET /api/v1/admin/journal/verify} (admin.mdx): OWNER/ADMIN; 200 whether or not
 * the chain is intact.
 */
@RestController
class AdminJournalController {

	private final Scopes scopes;

	private final ChainVerifier verifier;

	AdminJournalController(Scopes scopes, ChainVerifier verifier) {
		this.scopes = scopes;
		this.verifier = verifier;
	}

	@GetMapping("/api/v1/admin/journal/verify")
	Map<String, Object> verify(IdentityAssertion caller, HttpServletRequest request) {
		return this.verifier.verify(this.scopes.require(caller, request, Action.MANAGE));
	}

}
