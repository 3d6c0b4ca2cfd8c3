package crewship.crew.templates;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.templates.WorkflowTemplates.Template;
import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/workflow-templates/**} and {@code /api/v1/templates/**}: the same
 * templates under the two paths the pages give them. Reads take membership; writes
 * MANAGER+.
 */
@RestController
class WorkflowTemplateController {

	private final WorkflowTemplates templates;

	private final WorkspaceScope scopes;

	WorkflowTemplateController(WorkflowTemplates templates, WorkspaceScope scopes) {
		this.templates = templates;
		this.scopes = scopes;
	}

	record Write(@Size(max = 200) String name, @Size(max = 4000) String description, JsonNode templateJson,
			@Size(max = 64) String icon, @Size(max = 16) String color) {
	}

	@GetMapping({ "/api/v1/workflow-templates", "/api/v1/templates" })
	List<Template> list(IdentityAssertion caller, HttpServletRequest request) {
		return this.templates.list(this.scopes.require(caller, request, Action.READ));
	}

	@PostMapping({ "/api/v1/workflow-templates", "/api/v1/templates" })
	@ResponseStatus(HttpStatus.CREATED)
	Template create(@Valid @RequestBody Write body, IdentityAssertion caller, HttpServletRequest request) {
		return this.templates.create(this.scopes.require(caller, request, Action.CREATE), new WorkflowTemplates.Create(
				body.name(), body.description(), body.templateJson(), body.icon(), body.color()));
	}

	@GetMapping({ "/api/v1/workflow-templates/{id}", "/api/v1/templates/{id}" })
	Template get(@PathVariable String id, IdentityAssertion caller, HttpServletRequest request) {
		return this.templates.get(this.scopes.require(caller, request, Action.READ), id);
	}

	@PatchMapping({ "/api/v1/workflow-templates/{id}", "/api/v1/templates/{id}" })
	Template update(@PathVariable String id, @Valid @RequestBody Write body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.templates.update(this.scopes.require(caller, request, Action.CREATE), id,
				new WorkflowTemplates.Update(body.name(), body.description(), body.templateJson(), body.icon(),
						body.color()));
	}

	@DeleteMapping({ "/api/v1/workflow-templates/{id}", "/api/v1/templates/{id}" })
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String id, IdentityAssertion caller, HttpServletRequest request) {
		this.templates.delete(this.scopes.require(caller, request, Action.CREATE), id);
	}

}
