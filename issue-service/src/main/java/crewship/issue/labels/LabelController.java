package crewship.issue.labels;

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

import crewship.issue.labels.Labels.CreateLabel;
import crewship.issue.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/labels}: the workspace's labels. */
@RestController
class LabelController {

	private final Labels labels;

	private final WorkspaceScope scopes;

	LabelController(Labels labels, WorkspaceScope scopes) {
		this.labels = labels;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/labels")
	List<LabelView> list(@PageParams.Defaults(limit = 100) PageParams page, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.labels.list(this.scopes.require(caller, request, Action.READ), page);
	}

	@PostMapping("/api/v1/labels")
	@ResponseStatus(HttpStatus.CREATED)
	LabelView create(@RequestBody CreateLabel body, IdentityAssertion caller, HttpServletRequest request) {
		return this.labels.create(this.scopes.require(caller, request, Action.CREATE), body);
	}

	@PatchMapping("/api/v1/labels/{labelId}")
	LabelView update(@PathVariable String labelId, @RequestBody JsonNode body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.labels.update(this.scopes.require(caller, request, Action.MANAGE), labelId, body);
	}

	@DeleteMapping("/api/v1/labels/{labelId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String labelId, IdentityAssertion caller, HttpServletRequest request) {
		this.labels.delete(this.scopes.require(caller, request, Action.MANAGE), labelId);
	}

}
