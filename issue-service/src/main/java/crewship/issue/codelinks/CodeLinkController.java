package crewship.issue.codelinks;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.issue.codelinks.CodeLinks.Attach;
import crewship.issue.codelinks.CodeLinks.CodeLinkView;
import crewship.issue.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/** {@code /api/v1/crews/{crewId}/issues/{identifier}/code-links/**}. */
@RestController
class CodeLinkController {

	private static final String BASE = "/api/v1/crews/{crewId}/issues/{identifier}/code-links";

	private final CodeLinks links;

	private final WorkspaceScope scopes;

	CodeLinkController(CodeLinks links, WorkspaceScope scopes) {
		this.links = links;
		this.scopes = scopes;
	}

	@GetMapping(BASE)
	List<CodeLinkView> list(@PathVariable String crewId, @PathVariable String identifier, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.links.list(this.scopes.require(caller, request, Action.READ), crewId, identifier);
	}

	@PostMapping(BASE)
	@ResponseStatus(HttpStatus.CREATED)
	CodeLinkView attach(@PathVariable String crewId, @PathVariable String identifier,
			@RequestBody(required = false) Attach body, IdentityAssertion caller, HttpServletRequest request) {
		return this.links.attach(this.scopes.require(caller, request, Action.CREATE), crewId, identifier, body);
	}

	@PostMapping(BASE + "/{linkId}/refresh")
	CodeLinkView refresh(@PathVariable String crewId, @PathVariable String identifier, @PathVariable String linkId,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.links.refresh(this.scopes.require(caller, request, Action.CREATE), crewId, identifier, linkId);
	}

	@DeleteMapping(BASE + "/{linkId}")
	Map<String, Object> delete(@PathVariable String crewId, @PathVariable String identifier,
			@PathVariable String linkId, IdentityAssertion caller, HttpServletRequest request) {
		this.links.delete(this.scopes.require(caller, request, Action.CREATE), crewId, identifier, linkId);
		return Map.of("status", "ok");
	}

}
