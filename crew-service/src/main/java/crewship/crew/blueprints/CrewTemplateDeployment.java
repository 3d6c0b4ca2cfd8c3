package crewship.crew.blueprints;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.crew.agents.AgentService;
import crewship.crew.agents.AgentService.TemplateAgent;
import crewship.crew.blueprints.CrewTemplateCatalog.AgentTemplate;
import crewship.crew.blueprints.CrewTemplateCatalog.CrewTemplate;
import crewship.crew.crews.Crew;
import crewship.crew.crews.CrewService;
import crewship.crew.skills.SkillService;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Slug;
import crewship.platform.web.ProblemException;

/**
 * {@code POST /api/v1/crew-templates/{slug}/deploy}: the crew, its persona, every agent
 * and their skills in one database transaction — with their events and audit records,
 * which the outbox keeps in the same transaction. Any failure on the way (a taken slug, a
 * missing skill) rolls all of it back: either everything exists afterwards or nothing,
 * and no event of a half-made crew ever leaves the service.
 */
@Service
class CrewTemplateDeployment {

	private final CrewTemplateCatalog catalog;

	private final CrewService crews;

	private final AgentService agents;

	private final SkillService skills;

	private final Changes changes;

	private final TransactionTemplate transactions;

	CrewTemplateDeployment(CrewTemplateCatalog catalog, CrewService crews, AgentService agents, SkillService skills,
			Changes changes, PlatformTransactionManager transactions) {
		this.catalog = catalog;
		this.crews = crews;
		this.agents = agents;
		this.skills = skills;
		this.changes = changes;
		this.transactions = new TransactionTemplate(transactions);
	}

	/** The page's answer. */
	record Deployed(String crewId, String crewName, String crewSlug, List<String> agentIds, int agentCount) {
	}

	Deployed deploy(Scope scope, String templateSlug, String crewName, String crewSlug) {
		CrewTemplate template = this.catalog.find(templateSlug)
			.orElseThrow(() -> ProblemException.notFound("Crew template not found"));
		if (crewName == null || crewName.isBlank()) {
			throw ProblemException.badRequest("crew_name is required");
		}
		String name = crewName.trim();
		if (name.length() < 2 || name.length() > 100) {
			throw ProblemException.badRequest("crew_name must be 2-100 characters");
		}
		String slug = (crewSlug != null && !crewSlug.isBlank()) ? crewSlug.trim() : slugify(name);
		if (!slug.matches(Slug.PATTERN) || slug.length() < 2 || slug.length() > 50) {
			throw ProblemException.badRequest("crew_slug must be 2-50 lowercase letters, digits, '-' or '_'");
		}
		try {
			return this.transactions.execute(status -> create(scope, template, name, slug));
		}
		catch (DataIntegrityViolationException ex) {
			throw ProblemException.conflict("A crew or agent with these slugs was created at the same time; retry");
		}
	}

	private Deployed create(Scope scope, CrewTemplate template, String name, String slug) {
		Crew crew = this.crews.createFromTemplate(scope, name, slug, template.description(), template.color(),
				template.icon(), template.persona());
		List<String> agentIds = new ArrayList<>();
		for (AgentTemplate agent : template.agents()) {
			String agentId = this.agents.createFromTemplate(scope, crew.getId(),
					new TemplateAgent(agent.name(), agentSlug(slug, agent.slug()), agent.roleTitle(), agent.agentRole(),
							agent.cliAdapter(), agent.llmProvider(), agent.llmModel(), agent.toolProfile(),
							agent.systemPrompt()));
			for (String skill : (agent.skills() != null) ? agent.skills() : List.<String>of()) {
				this.skills.installBySlug(scope, agentId, skill);
			}
			agentIds.add(agentId);
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", crew.getId());
		data.put("crew_id", crew.getId());
		data.put("template", template.slug());
		data.put("template_version", template.version());
		data.put("name", crew.getName());
		data.put("slug", crew.getSlug());
		data.put("agent_ids", agentIds);
		this.changes.record("crew_template.deployed", scope.workspaceId(), "crew", crew.getId(), scope.userId(), data);
		return new Deployed(crew.getId(), crew.getName(), crew.getSlug(), agentIds, agentIds.size());
	}

	/**
	 * An agent's slug is unique in the workspace, so it is prefixed with the crew's:
	 * {@code release-lead}, the crew part shortened to keep it within 50 characters.
	 */
	static String agentSlug(String crewSlug, String agentSlug) {
		int room = 50 - 1 - agentSlug.length();
		String prefix = (crewSlug.length() > room) ? crewSlug.substring(0, Math.max(1, room)) : crewSlug;
		return (prefix.replaceAll("[-_]+$", "") + "-" + agentSlug);
	}

	static String slugify(String name) {
		String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
		return (slug.length() > 50) ? slug.substring(0, 50).replaceAll("-+$", "") : slug;
	}

}
