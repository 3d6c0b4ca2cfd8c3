package crewship.crew.agents;

import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

/**
 * The templates a hire builds a contractor from. Only the built-in ones exist so far:
 * workspace-owned templates (the crew templates of {@code skills.mdx}) are a later issue,
 * and a slug that names none of these is a 404, as the page says.
 */
@Component
class AgentTemplates {

	/** What a contractor takes from its template. */
	record Template(String slug, String name, String roleTitle, String cliAdapter, String toolProfile) {
	}

	private static final Map<String, Template> BUILT_IN = Map.of(//
			"backend-dev", new Template("backend-dev", "Backend Dev", "Backend Developer", "CLAUDE_CODE", "CODING"),
			"frontend-dev", new Template("frontend-dev", "Frontend Dev", "Frontend Developer", "CLAUDE_CODE", "CODING"),
			"reviewer", new Template("reviewer", "Reviewer", "Code Reviewer", "CLAUDE_CODE", "MINIMAL"), "researcher",
			new Template("researcher", "Researcher", "Researcher", "CLAUDE_CODE", "MINIMAL"), "qa-engineer",
			new Template("qa-engineer", "QA Engineer", "QA Engineer", "CLAUDE_CODE", "CODING"));

	Optional<Template> find(String slug) {
		return Optional.ofNullable(BUILT_IN.get(slug));
	}

}
