package crewship.crew.skills;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.data.domain.Limit;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.agents.AgentService;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.ConfigBlobs;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Slug;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * The workspace's skill registry (as much of it as agent skill assignment needs: import
 * from SKILL.md content, list, get) and the skills installed on agents.
 */
@Service
class SkillService {

	static final int MAX_CONTENT_BYTES = 256 * 1024;

	static final int MAX_AGENT_SKILLS = 200;

	private static final Pattern FRONT_MATTER = Pattern.compile("\\A---\\r?\\n(.*?)\\r?\\n---\\r?\\n?(.*)\\z",
			Pattern.DOTALL);

	private final SkillRepository skills;

	private final AgentSkillRepository assignments;

	private final AgentService agents;

	private final Changes changes;

	SkillService(SkillRepository skills, AgentSkillRepository assignments, AgentService agents, Changes changes) {
		this.skills = skills;
		this.assignments = assignments;
		this.agents = agents;
		this.changes = changes;
	}

	/**
	 * A skill of the workspace registry. The reference schema requires the marketplace
	 * fields too; an imported SKILL.md has none of that history, so they say so: its
	 * front matter's {@code version} (else {@code ""}), {@code UNVERIFIED}, no downloads
	 * or ratings, not featured, free, the default {@code INSTRUCTIONS} runtime and
	 * {@code COMMUNITY} maturity, {@code NOT_SCANNED} (no content scanner runs here).
	 */
	record SkillView(String id, String workspaceId, String name, String slug, String displayName, String description,
			String category, String source, String content, Instant createdAt, Instant updatedAt, String version,
			String verification, int downloads, int ratingCount, boolean featured, String pricingTier, String runtime,
			String maturity, String scanStatus) {

		static SkillView of(Skill skill, boolean withContent) {
			String version = (skill.content != null) ? frontMatterValue(skill.content, "version") : null;
			return new SkillView(skill.id, skill.workspaceId, skill.name, skill.slug, skill.displayName,
					skill.description, skill.category, skill.source, withContent ? skill.content : null,
					skill.createdAt, skill.updatedAt, (version != null) ? version : "", "UNVERIFIED", 0, 0, false,
					"FREE", "INSTRUCTIONS", "COMMUNITY", "NOT_SCANNED");
		}

	}

	record AssignmentView(String id, String agentId, String skillId, String config, Instant createdAt,
			Map<String, String> skill) {
	}

	@Transactional(readOnly = true)
	List<SkillView> list(Scope scope, PageParams page) {
		return this.skills.page(scope.workspaceId(), page.limit(), page.offset())
			.stream()
			.map(skill -> SkillView.of(skill, false))
			.toList();
	}

	@Transactional(readOnly = true)
	SkillView get(Scope scope, String skillId) {
		return SkillView.of(find(scope, skillId), true);
	}

	/** Imports SKILL.md content; its front matter must name the skill. */
	@Transactional
	SkillView importContent(Scope scope, String url, String content) {
		if ((url == null || url.isBlank()) == (content == null || content.isBlank())) {
			throw ProblemException.badRequest("Provide exactly one of url and content");
		}
		if (content == null) {
			throw new ProblemException(HttpStatus.NOT_IMPLEMENTED,
					"Importing a skill from a URL is not available on this server yet; send the SKILL.md as content");
		}
		ConfigBlobs.checkSize("content", content, MAX_CONTENT_BYTES);
		Map<String, String> meta = frontMatter(content);
		String name = meta.get("name");
		if (name == null || !name.matches(Slug.PATTERN) || name.length() < 2 || name.length() > 50) {
			throw ProblemException.badRequest("SKILL.md front matter needs a name that is a valid slug (2-50 chars)");
		}
		if (this.skills.slugTaken(name, scope.workspaceId())) {
			throw ProblemException.conflict("Skill '" + name + "' already exists in this workspace");
		}
		Skill skill = this.skills.saveAndFlush(new Skill(scope.workspaceId(), name,
				meta.getOrDefault("display_name", name), meta.get("description"), content));
		return SkillView.of(skill, true);
	}

	private static String frontMatterValue(String content, String key) {
		try {
			return frontMatter(content).get(key);
		}
		catch (ProblemException ex) {
			return null;
		}
	}

	private static Map<String, String> frontMatter(String content) {
		Matcher matcher = FRONT_MATTER.matcher(content);
		if (!matcher.matches()) {
			throw ProblemException.badRequest("SKILL.md must start with a --- front matter block");
		}
		Map<String, String> meta = new HashMap<>();
		for (String line : matcher.group(1).split("\\r?\\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith(" ")) {
				String value = line.substring(colon + 1).trim();
				if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\""))) {
					value = value.substring(1, value.length() - 1);
				}
				meta.put(line.substring(0, colon).trim(), value);
			}
		}
		return meta;
	}

	// --- agent skills

	@Transactional(readOnly = true)
	List<AssignmentView> agentSkills(Scope scope, String agentId) {
		String agent = this.agents.requireAgent(scope, agentId);
		return this.assignments.forAgent(agent, Limit.of(MAX_AGENT_SKILLS)).stream().map(assignment -> {
			Skill skill = this.skills.findById(assignment.skillId).orElseThrow();
			return new AssignmentView(assignment.id, assignment.agentId, assignment.skillId, assignment.config,
					assignment.createdAt,
					Map.of("id", skill.id, "name", skill.name, "slug", skill.slug, "display_name", skill.displayName));
		}).toList();
	}

	/**
	 * @return the assignment and whether it already existed (idempotent assign)
	 */
	@Transactional
	Map<String, Object> assign(Scope scope, String agentId, String skillId, String config) {
		String agent = this.agents.requireAgent(scope, agentId);
		Skill skill = this.skills.findLive(skillId, scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Skill not found in this workspace"));
		AgentSkill existing = this.assignments.findByAgentIdAndSkillId(agent, skill.id).orElse(null);
		if (existing != null) {
			return Map.of("id", existing.id, "already_assigned", true);
		}
		if (this.assignments.forAgent(agent, Limit.of(MAX_AGENT_SKILLS)).size() >= MAX_AGENT_SKILLS) {
			throw ProblemException.conflict("An agent holds at most " + MAX_AGENT_SKILLS + " skills");
		}
		AgentSkill assignment = this.assignments.saveAndFlush(new AgentSkill(agent, skill.id, config));
		this.changes.record("agent.skill_assigned", scope.workspaceId(), "agent", agent, scope.userId(),
				event(agent, skill, assignment.id));
		return Map.of("id", assignment.id);
	}

	@Transactional
	void unassign(Scope scope, String agentId, String skillId) {
		String agent = this.agents.requireAgent(scope, agentId);
		AgentSkill assignment = this.assignments.findByAgentIdAndSkillId(agent, skillId)
			.orElseThrow(() -> ProblemException.notFound("Skill assignment not found"));
		this.assignments.delete(assignment);
		Skill skill = this.skills.findById(skillId).orElseThrow();
		this.changes.record("agent.skill_unassigned", scope.workspaceId(), "agent", agent, scope.userId(),
				event(agent, skill, assignment.id));
	}

	private static Map<String, Object> event(String agentId, Skill skill, String assignmentId) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", agentId);
		data.put("skill_id", skill.id);
		data.put("skill_slug", skill.slug);
		data.put("assignment_id", assignmentId);
		return data;
	}

	private Skill find(Scope scope, String skillId) {
		return this.skills.findLive(skillId, scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Skill not found"));
	}

}
