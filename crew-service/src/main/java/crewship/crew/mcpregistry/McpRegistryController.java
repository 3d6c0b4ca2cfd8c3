package crewship.crew.mcpregistry;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * {@code /api/v1/mcp-registry}: list and search for any signed-in user (no workspace: the
 * registry is the instance's); sync for an OWNER/ADMIN of the workspace named.
 */
@RestController
class McpRegistryController {

	private final McpRegistry registry;

	private final WorkspaceScope scopes;

	McpRegistryController(McpRegistry registry, WorkspaceScope scopes) {
		this.registry = registry;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/mcp-registry")
	Map<String, Object> list(@RequestParam(name = "limit", required = false) String limit,
			@RequestParam(name = "offset", required = false) String offset,
			@RequestParam(name = "trust_tier", required = false) String trustTier,
			@RequestParam(name = "featured", required = false) String featured, IdentityAssertion caller) {
		caller.requireUser();
		return this.registry.page(null, trustTier, featured, number("limit", limit), number("offset", offset));
	}

	@GetMapping("/api/v1/mcp-registry/search")
	Map<String, Object> search(@RequestParam(name = "q", required = false) String query,
			@RequestParam(name = "limit", required = false) String limit,
			@RequestParam(name = "offset", required = false) String offset,
			@RequestParam(name = "trust_tier", required = false) String trustTier,
			@RequestParam(name = "featured", required = false) String featured, IdentityAssertion caller) {
		caller.requireUser();
		if (query != null && query.length() > 200) {
			throw ProblemException.badRequest("q exceeds 200 characters");
		}
		Map<String, Object> page = this.registry.page(query, trustTier, featured, number("limit", limit),
				number("offset", offset));
		page.put("query", (query != null) ? query : "");
		return page;
	}

	@PostMapping("/api/v1/mcp-registry/sync")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, Object> sync(
			/* parsed only to refuse a malformed body */ @RequestBody(required = false) JsonNode ignoredBody,
			IdentityAssertion caller, HttpServletRequest request) {
		WorkspaceScope.Scope scope = this.scopes.require(caller, request, Action.MANAGE);
		return this.registry.requestSync(scope.workspaceId(), scope.userId());
	}

	private static Integer number(String name, String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Integer.valueOf(value.trim());
		}
		catch (NumberFormatException ex) {
			throw ProblemException.badRequest(name + " must be a number");
		}
	}

}
