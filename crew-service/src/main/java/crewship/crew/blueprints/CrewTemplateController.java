package crewship.crew.blueprints;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.blueprints.CrewTemplateCatalog.CrewTemplate;
import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * Crew templates (blueprints) and the AI crew wizard. Deploying takes the role that
 * creating a crew takes (MANAGER+): the page lets any member deploy, but a deploy creates
 * a crew and its agents, which the seed's RBAC keeps to MANAGER+ — the seed wins.
 */
@RestController
class CrewTemplateController {

	private final CrewTemplateCatalog catalog;

	private final CrewTemplateDeployment deployment;

	private final CrewSuggestions suggestions;

	private final WorkspaceScope scopes;

	CrewTemplateController(CrewTemplateCatalog catalog, CrewTemplateDeployment deployment, CrewSuggestions suggestions,
			WorkspaceScope scopes) {
		this.catalog = catalog;
		this.deployment = deployment;
		this.suggestions = suggestions;
		this.scopes = scopes;
	}

	record Deploy(String crewName, String crewSlug) {
	}

	record Suggest(String description) {
	}

	@GetMapping("/api/v1/crew-templates")
	List<CrewTemplate> list(IdentityAssertion caller, HttpServletRequest request) {
		this.scopes.require(caller, request, Action.READ);
		return this.catalog.all();
	}

	@GetMapping("/api/v1/crew-templates/{slug}")
	CrewTemplate get(@PathVariable String slug, IdentityAssertion caller, HttpServletRequest request) {
		this.scopes.require(caller, request, Action.READ);
		return this.catalog.find(slug).orElseThrow(() -> ProblemException.notFound("Crew template not found"));
	}

	@PostMapping("/api/v1/crew-templates/{slug}/deploy")
	@ResponseStatus(HttpStatus.CREATED)
	CrewTemplateDeployment.Deployed deploy(@PathVariable String slug, @RequestBody Deploy body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.deployment.deploy(this.scopes.require(caller, request, Action.CREATE), slug, body.crewName(),
				body.crewSlug());
	}

	@PostMapping("/api/v1/crew-ai-suggest")
	CrewSuggestions.Suggested suggest(@RequestBody Suggest body, IdentityAssertion caller, HttpServletRequest request) {
		return this.suggestions.suggest(this.scopes.require(caller, request, Action.READ), body.description());
	}

}
