package crewship.crew.blueprints;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import crewship.crew.provider.RunEngineProvider;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.web.ProblemException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/crew-ai-suggest}: a crew configuration suggested by the run
 * engine's provider from a description. The model's answer is checked and normalised
 * (slugs, exactly one LEAD, at most eight agents) before it is returned; nothing is
 * created. Without a provider the answer is a 503 saying which is missing.
 */
@Component
class CrewSuggestions {

	static final int MAX_AGENTS = 8;

	static final String SYSTEM = """
			You design crews of AI agents. Answer with one JSON object only, no commentary and no code fences:
			{"crew_name": string, "crew_slug": string, "agents": [
			  {"name": string, "slug": string, "role_title": string, "agent_role": "LEAD" or "AGENT", "system_prompt": string}]}
			Exactly one agent is the LEAD. Use two to five agents. Slugs are lowercase letters, digits and dashes.
			""";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final RunEngineProvider provider;

	CrewSuggestions(RunEngineProvider provider) {
		this.provider = provider;
	}

	record Suggested(String crewName, String crewSlug, List<Agent> agents) {
	}

	record Agent(String name, String slug, String roleTitle, String agentRole, String systemPrompt) {
	}

	Suggested suggest(Scope scope, String description) {
		if (description == null || description.trim().length() < 10 || description.trim().length() > 2000) {
			throw ProblemException.badRequest("description must be 10-2000 characters");
		}
		RunEngineProvider.Completion completion = this.provider.complete(scope.workspaceId(), "crew.suggest", null,
				SYSTEM, description.trim(), 2048);
		return parse(completion.text());
	}

	/**
	 * @throws ProblemException 502 when the model's answer is not a usable crew
	 */
	static Suggested parse(String text) {
		int start = text.indexOf('{');
		int end = text.lastIndexOf('}');
		if (start < 0 || end <= start) {
			throw unusable("no JSON object");
		}
		JsonNode answer;
		try {
			answer = JSON.readTree(text.substring(start, end + 1));
		}
		catch (JacksonException ex) {
			throw unusable("not valid JSON");
		}
		String crewName = text(answer, "crew_name");
		if (crewName == null) {
			throw unusable("no crew_name");
		}
		String crewSlug = CrewTemplateDeployment
			.slugify((text(answer, "crew_slug") != null) ? text(answer, "crew_slug") : crewName);
		List<Agent> agents = new ArrayList<>();
		Set<String> slugs = new HashSet<>();
		boolean lead = false;
		for (JsonNode agent : answer.path("agents")) {
			String name = text(agent, "name");
			if (name == null || agents.size() >= MAX_AGENTS) {
				continue;
			}
			String slug = CrewTemplateDeployment.slugify((text(agent, "slug") != null) ? text(agent, "slug") : name);
			if (slug.length() < 2 || !slugs.add(slug)) {
				continue;
			}
			boolean isLead = !lead && "LEAD".equalsIgnoreCase(text(agent, "agent_role"));
			lead |= isLead;
			agents.add(new Agent(name, slug, (text(agent, "role_title") != null) ? text(agent, "role_title") : name,
					isLead ? "LEAD" : "AGENT",
					(text(agent, "system_prompt") != null) ? text(agent, "system_prompt") : ""));
		}
		if (agents.isEmpty()) {
			throw unusable("no agents");
		}
		if (!lead) {
			Agent first = agents.get(0);
			agents.set(0, new Agent(first.name(), first.slug(), first.roleTitle(), "LEAD", first.systemPrompt()));
		}
		return new Suggested(crewName, crewSlug, agents);
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString() && !value.asString().isBlank()) ? value.asString().trim() : null;
	}

	private static ProblemException unusable(String why) {
		return new ProblemException(HttpStatus.BAD_GATEWAY, "The AI suggestion could not be used: " + why);
	}

}
