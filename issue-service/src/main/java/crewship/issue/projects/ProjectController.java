package crewship.issue.projects;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.issue.projects.Projects.CreateProject;
import crewship.issue.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/projects/**} (milestones of a project live in their own feature). */
@RestController
class ProjectController {

	private final Projects projects;

	private final WorkspaceScope scopes;

	ProjectController(Projects projects, WorkspaceScope scopes) {
		this.projects = projects;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/projects")
	List<ProjectView> list(@RequestParam(required = false) String status, @RequestParam(required = false) String sort,
			@PageParams.Defaults(limit = 100) PageParams page, IdentityAssertion caller, HttpServletRequest request) {
		return this.projects.list(this.scopes.require(caller, request, Action.READ), status, sort, page);
	}

	@PostMapping("/api/v1/projects")
	@ResponseStatus(HttpStatus.CREATED)
	ProjectView create(@RequestBody CreateProject body, IdentityAssertion caller, HttpServletRequest request) {
		return this.projects.create(this.scopes.require(caller, request, Action.CREATE), body);
	}

	@GetMapping("/api/v1/projects/{projectId}")
	ProjectView get(@PathVariable String projectId, IdentityAssertion caller, HttpServletRequest request) {
		return this.projects.get(this.scopes.require(caller, request, Action.READ), projectId);
	}

	@PatchMapping("/api/v1/projects/{projectId}")
	ProjectView update(@PathVariable String projectId, @RequestBody JsonNode body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.projects.update(this.scopes.require(caller, request, Action.CREATE), projectId, body);
	}

	@DeleteMapping("/api/v1/projects/{projectId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String projectId, IdentityAssertion caller, HttpServletRequest request) {
		this.projects.delete(this.scopes.require(caller, request, Action.MANAGE), projectId);
	}

	@GetMapping("/api/v1/projects/{projectId}/stats")
	Map<String, Object> stats(@PathVariable String projectId, IdentityAssertion caller, HttpServletRequest request) {
		return this.projects.stats(this.scopes.require(caller, request, Action.READ), projectId);
	}

}
