package crewship.issue.views;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.issue.views.SavedViews.CreateView;
import crewship.issue.views.SavedViews.SavedView;
import crewship.issue.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/saved-views}: the caller's views and the workspace's shared ones. */
@RestController
class SavedViewController {

	private final SavedViews views;

	private final WorkspaceScope scopes;

	SavedViewController(SavedViews views, WorkspaceScope scopes) {
		this.views = views;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/saved-views")
	List<SavedView> list(@PageParams.Defaults(limit = 100) PageParams page, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.views.list(this.scopes.require(caller, request, Action.READ), page);
	}

	@PostMapping("/api/v1/saved-views")
	@ResponseStatus(HttpStatus.CREATED)
	SavedView create(@RequestBody CreateView body, IdentityAssertion caller, HttpServletRequest request) {
		return this.views.create(this.scopes.require(caller, request, Action.CREATE), body);
	}

	@PatchMapping("/api/v1/saved-views/{viewId}")
	SavedView update(@PathVariable String viewId, @RequestBody JsonNode body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.views.update(this.scopes.require(caller, request, Action.CREATE), viewId, body);
	}

	/** Ownership is the only gate: anyone may delete their own view. */
	@DeleteMapping("/api/v1/saved-views/{viewId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String viewId, IdentityAssertion caller, HttpServletRequest request) {
		this.views.delete(this.scopes.require(caller, request, Action.READ), viewId);
	}

}
