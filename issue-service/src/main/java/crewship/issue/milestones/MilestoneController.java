package crewship.issue.milestones;

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

import crewship.issue.milestones.Milestones.CreateMilestone;
import crewship.issue.milestones.Milestones.MilestoneView;
import crewship.issue.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/projects/{projectId}/milestones} (list, create) and
 * {@code /api/v1/milestones/{milestoneId}} (update, delete).
 */
@RestController
class MilestoneController {

	private final Milestones milestones;

	private final WorkspaceScope scopes;

	MilestoneController(Milestones milestones, WorkspaceScope scopes) {
		this.milestones = milestones;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/projects/{projectId}/milestones")
	List<MilestoneView> list(@PathVariable String projectId, @PageParams.Defaults(limit = 100) PageParams page,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.milestones.list(this.scopes.require(caller, request, Action.READ), projectId, page);
	}

	@PostMapping("/api/v1/projects/{projectId}/milestones")
	@ResponseStatus(HttpStatus.CREATED)
	MilestoneView create(@PathVariable String projectId, @RequestBody CreateMilestone body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.milestones.create(this.scopes.require(caller, request, Action.CREATE), projectId, body);
	}

	@PatchMapping("/api/v1/milestones/{milestoneId}")
	MilestoneView update(@PathVariable String milestoneId, @RequestBody JsonNode body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.milestones.update(this.scopes.require(caller, request, Action.CREATE), milestoneId, body);
	}

	@DeleteMapping("/api/v1/milestones/{milestoneId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String milestoneId, IdentityAssertion caller, HttpServletRequest request) {
		this.milestones.delete(this.scopes.require(caller, request, Action.MANAGE), milestoneId);
	}

}
