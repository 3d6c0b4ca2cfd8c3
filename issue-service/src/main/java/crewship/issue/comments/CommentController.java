package crewship.issue.comments;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.issue.comments.Comments.CommentView;
import crewship.issue.comments.Comments.CreateComment;
import crewship.issue.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;

/** {@code /api/v1/crews/{crewId}/issues/{identifier}/comments}. */
@RestController
class CommentController {

	private static final String BASE = "/api/v1/crews/{crewId}/issues/{identifier}/comments";

	private final Comments comments;

	private final WorkspaceScope scopes;

	CommentController(Comments comments, WorkspaceScope scopes) {
		this.comments = comments;
		this.scopes = scopes;
	}

	@GetMapping(BASE)
	List<CommentView> list(@PathVariable String crewId, @PathVariable String identifier,
			@PageParams.Defaults(limit = 100) PageParams page, IdentityAssertion caller, HttpServletRequest request) {
		return this.comments.list(this.scopes.require(caller, request, Action.READ), crewId, identifier, page);
	}

	@PostMapping(BASE)
	@ResponseStatus(HttpStatus.CREATED)
	CommentView create(@PathVariable String crewId, @PathVariable String identifier, @RequestBody CreateComment body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.comments.create(this.scopes.require(caller, request, Action.CREATE), crewId, identifier, body);
	}

}
