package crewship.issue.relations;

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

import crewship.issue.relations.Relations.CreateRelation;
import crewship.issue.relations.Relations.RelationView;
import crewship.issue.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;

/**
 * {@code /api/v1/crews/{crewId}/issues/{identifier}/relations} and
 * {@code /api/v1/relations/{relationId}}.
 */
@RestController
class RelationController {

	private static final String BASE = "/api/v1/crews/{crewId}/issues/{identifier}/relations";

	private final Relations relations;

	private final WorkspaceScope scopes;

	RelationController(Relations relations, WorkspaceScope scopes) {
		this.relations = relations;
		this.scopes = scopes;
	}

	@GetMapping(BASE)
	List<RelationView> list(@PathVariable String crewId, @PathVariable String identifier,
			@PageParams.Defaults(limit = 100) PageParams page, IdentityAssertion caller, HttpServletRequest request) {
		return this.relations.list(this.scopes.require(caller, request, Action.READ), crewId, identifier, page);
	}

	@PostMapping(BASE)
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> create(@PathVariable String crewId, @PathVariable String identifier,
			@RequestBody CreateRelation body, IdentityAssertion caller, HttpServletRequest request) {
		return this.relations.create(this.scopes.require(caller, request, Action.CREATE), crewId, identifier, body);
	}

	@DeleteMapping("/api/v1/relations/{relationId}")
	Map<String, Object> delete(@PathVariable String relationId, IdentityAssertion caller, HttpServletRequest request) {
		this.relations.delete(this.scopes.require(caller, request, Action.CREATE), relationId);
		return Map.of("status", "ok");
	}

}
