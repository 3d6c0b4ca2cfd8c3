package crewship.crew.skills;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.crew.agents.AgentService;
import crewship.crew.skills.SkillViews.Detail;
import crewship.crew.skills.SkillViews.InstalledOn;
import crewship.crew.skills.SkillViews.Summary;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * The skill marketplace of a workspace — its own skills and the bundled ones — and the
 * skills installed on agents. Writes of SKILL.md content go through
 * {@link SkillImporter}; fetching (URL, git) happens before any transaction opens, so a
 * slow source never holds a database connection.
 */
@Service
public class SkillService {

	static final int MAX_AGENT_SKILLS = 200;

	static final int MAX_INSTALLED_ON = 50;

	private final SkillRepository skills;

	private final AgentSkillRepository assignments;

	private final AgentService agents;

	private final Changes changes;

	private final SkillImporter importer;

	private final SkillFetcher fetcher;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	SkillService(SkillRepository skills, AgentSkillRepository assignments, AgentService agents, Changes changes,
			SkillImporter importer, SkillFetcher fetcher, JdbcClient jdbc, PlatformTransactionManager transactions) {
		this.skills = skills;
		this.assignments = assignments;
		this.agents = agents;
		this.changes = changes;
		this.importer = importer;
		this.fetcher = fetcher;
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactions);
	}

	/** The list's filters; null or blank means "any". */
	record Filters(String category, String source, String search, String vendor, String maturity, String runtime,
			boolean installed, String installedForAgentId) {
	}

	// --- marketplace

	/**
	 * The page's order: OFFICIAL, CURATED, COMMUNITY, then the rest, each by name.
	 */
	@Transactional(readOnly = true)
	List<Summary> list(Scope scope, Filters filters, PageParams page) {
		StringBuilder sql = new StringBuilder(
				"select s.id from skill s where (s.workspace_id = :ws or s.workspace_id is null) and s.deleted_at is null");
		Map<String, Object> params = new HashMap<>();
		params.put("ws", scope.workspaceId());
		equal(sql, params, "category", "upper(s.category)", upper(filters.category()));
		equal(sql, params, "source", "s.source", filters.source());
		equal(sql, params, "vendor", "lower(s.vendor)", lower(filters.vendor()));
		equal(sql, params, "maturity", "s.maturity", upper(filters.maturity()));
		equal(sql, params, "runtime", "s.runtime", upper(filters.runtime()));
		if (filters.search() != null && !filters.search().isBlank()) {
			sql.append(" and (s.name ilike :q escape '\\' or s.display_name ilike :q escape '\\'"
					+ " or s.description ilike :q escape '\\')");
			params.put("q",
					"%" + filters.search().trim().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
		}
		String installedOn = " and exists (select 1 from agent_skill a join agent g on g.id = a.agent_id"
				+ " where a.skill_id = s.id and g.workspace_id = :ws and g.deleted_at is null";
		if (filters.installed()) {
			sql.append(installedOn).append(")");
		}
		if (filters.installedForAgentId() != null && !filters.installedForAgentId().isBlank()) {
			sql.append(installedOn).append(" and g.id = :agent)");
			params.put("agent", filters.installedForAgentId().trim());
		}
		sql.append(" order by case s.maturity when 'OFFICIAL' then 0 when 'CURATED' then 1 when 'COMMUNITY' then 2")
			.append(" else 3 end, s.name, s.id limit :limit offset :offset");
		params.put("limit", page.limit());
		params.put("offset", page.offset());
		List<String> ids = this.jdbc.sql(sql.toString()).params(params).query(String.class).list();
		Map<String, Skill> byId = this.skills.findAllById(ids)
			.stream()
			.collect(Collectors.toMap(skill -> skill.id, Function.identity()));
		Map<String, List<InstalledOn>> installed = installedOn(scope.workspaceId(), ids);
		return ids.stream()
			.map(byId::get)
			.map(skill -> Summary.of(skill, installed.getOrDefault(skill.id, List.of())))
			.toList();
	}

	private static void equal(StringBuilder sql, Map<String, Object> params, String name, String column, String value) {
		if (value != null && !value.isBlank()) {
			sql.append(" and ").append(column).append(" = :").append(name);
			params.put(name, value.trim());
		}
	}

	private static String upper(String value) {
		return (value != null) ? value.trim().toUpperCase(Locale.ROOT) : null;
	}

	private static String lower(String value) {
		return (value != null) ? value.trim().toLowerCase(Locale.ROOT) : null;
	}

	private Map<String, List<InstalledOn>> installedOn(String workspaceId, List<String> skillIds) {
		Map<String, List<InstalledOn>> installed = new HashMap<>();
		if (skillIds.isEmpty()) {
			return installed;
		}
		this.jdbc.sql("""
				select a.skill_id, g.id, g.slug, g.name, g.avatar_seed, g.avatar_style,
				       c.id, c.name, c.slug, c.color, c.icon
				  from agent_skill a join agent g on g.id = a.agent_id
				  left join crew c on c.id = g.crew_id and c.deleted_at is null
				 where a.skill_id in (:ids) and g.workspace_id = :ws and g.deleted_at is null
				 order by g.name, g.id
				""").param("ids", skillIds).param("ws", workspaceId).query(rs -> {
			List<InstalledOn> on = installed.computeIfAbsent(rs.getString(1), id -> new ArrayList<>());
			if (on.size() < MAX_INSTALLED_ON) {
				on.add(new InstalledOn(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
						rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
						rs.getString(11)));
			}
		});
		return installed;
	}

	@Transactional(readOnly = true)
	Detail get(Scope scope, String skillId) {
		Skill skill = visible(scope, skillId);
		return Detail.of(skill, agentCount(scope.workspaceId(), skill.id));
	}

	private long agentCount(String workspaceId, String skillId) {
		return this.jdbc.sql("""
				select count(*) from agent_skill a join agent g on g.id = a.agent_id
				 where a.skill_id = :skill and g.workspace_id = :ws and g.deleted_at is null
				""").param("skill", skillId).param("ws", workspaceId).query(Long.class).single();
	}

	/**
	 * A permanent delete (the page's): the skill and its installations. Bundled skills
	 * are refused, as the server would seed them again.
	 */
	@Transactional
	Map<String, Object> delete(Scope scope, String skillId) {
		Skill skill = visible(scope, skillId);
		if (skill.isBundled()) {
			throw ProblemException.forbidden("Bundled skills cannot be deleted; the server seeds them at every start");
		}
		List<String> holders = this.jdbc.sql("""
				select a.agent_id from agent_skill a join agent g on g.id = a.agent_id
				 where a.skill_id = :id and g.workspace_id = :ws and g.deleted_at is null order by a.agent_id""")
			.param("id", skill.id)
			.param("ws", scope.workspaceId())
			.query(String.class)
			.list();
		int removed = this.jdbc.sql("delete from agent_skill where skill_id = :id").param("id", skill.id).update();
		this.jdbc.sql("delete from skill where id = :id").param("id", skill.id).update();
		// the agents that held it run without it from now on
		holders.forEach(agentId -> this.agents.changed(scope, agentId, "skills"));
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", skill.id);
		data.put("slug", skill.slug);
		data.put("uninstalled", removed);
		this.changes.record("skill.deleted", scope.workspaceId(), "skill", skill.id, scope.userId(), data);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("deleted", true);
		answer.put("skill_id", skill.id);
		return answer;
	}

	// --- import

	/** A stored skill and whether the import created it. */
	record Stored(Detail skill, boolean created) {
	}

	/**
	 * Imports pasted content, or fetches the URL (outside any transaction) first.
	 * @throws ProblemException 400 for neither or both sources and for unparsable
	 * content, 422 for a blocked license or content, 409 for a bundled slug
	 */
	Stored importSkill(Scope scope, String url, String content, boolean allowUnsafeLicense) {
		boolean hasUrl = url != null && !url.isBlank();
		boolean hasContent = content != null && !content.isBlank();
		if (hasUrl == hasContent) {
			throw ProblemException.badRequest("Provide exactly one of url and content");
		}
		String text = hasUrl ? this.fetcher.fetch(url) : content;
		String source = hasUrl ? url.trim() : "";
		SkillImporter.Imported imported = write(() -> this.importer.importContent(scope.workspaceId(), scope.userId(),
				text, source, null, allowUnsafeLicense, false), HttpStatus.BAD_REQUEST);
		return new Stored(Detail.of(imported.skill(), 0), imported.created());
	}

	/**
	 * Runs one import in its own transaction, mapping the importer's refusals: content
	 * that does not parse to {@code invalidStatus}, a refused license or content to 422,
	 * a taken slug to 409.
	 */
	SkillImporter.Imported write(java.util.function.Supplier<SkillImporter.Imported> importing,
			HttpStatus invalidStatus) {
		try {
			return this.transactions.execute(status -> importing.get());
		}
		catch (SkillFile.Invalid ex) {
			throw new ProblemException(invalidStatus, ex.getMessage());
		}
		catch (SkillChecks.Rejected ex) {
			throw new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "Skill rejected: " + ex.getMessage());
		}
		catch (SkillImporter.Taken ex) {
			throw ProblemException.conflict(ex.getMessage());
		}
		catch (DataIntegrityViolationException ex) {
			throw ProblemException.conflict("A skill with this slug was written at the same time; retry");
		}
	}

	/** Whether a slug is free for a new workspace skill (neither own nor bundled). */
	@Transactional(readOnly = true)
	Optional<String> slugHolder(Scope scope, String slug) {
		return this.skills.findVisibleBySlug(slug, scope.workspaceId())
			.map(skill -> skill.isBundled() ? "a bundled skill" : "a skill of this workspace");
	}

	// --- agent skills

	/** One skill installed on an agent. */
	record AssignmentView(String id, String agentId, String skillId, String config, Instant createdAt,
			Map<String, String> skill) {
	}

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
		Skill skill = this.skills.findVisible(skillId, scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Skill not found in this workspace"));
		AgentSkill existing = this.assignments.findByAgentIdAndSkillId(agent, skill.id).orElse(null);
		if (existing != null) {
			return Map.of("id", existing.id, "already_assigned", true);
		}
		return Map.of("id", install(scope, agent, skill, config));
	}

	/**
	 * Installs a visible skill, by slug, on an agent of the scope's workspace (crew
	 * templates); a skill already installed stays as it is.
	 * @throws ProblemException 400 when no skill the workspace sees has the slug
	 */
	@Transactional
	public void installBySlug(Scope scope, String agentId, String slug) {
		Skill skill = this.skills.findVisibleBySlug(slug, scope.workspaceId())
			.orElseThrow(() -> ProblemException.badRequest("No skill '" + slug + "' in this workspace"));
		if (this.assignments.findByAgentIdAndSkillId(agentId, skill.id).isEmpty()) {
			install(scope, agentId, skill, null);
		}
	}

	private String install(Scope scope, String agent, Skill skill, String config) {
		if (this.assignments.forAgent(agent, Limit.of(MAX_AGENT_SKILLS)).size() >= MAX_AGENT_SKILLS) {
			throw ProblemException.conflict("An agent holds at most " + MAX_AGENT_SKILLS + " skills");
		}
		AgentSkill assignment = this.assignments.saveAndFlush(new AgentSkill(agent, skill.id, config));
		this.changes.record("agent.skill_assigned", scope.workspaceId(), "agent", agent, scope.userId(),
				event(agent, skill, assignment.id));
		this.agents.changed(scope, agent, "skills");
		return assignment.id;
	}

	@Transactional
	void unassign(Scope scope, String agentId, String skillId) {
		String agent = this.agents.requireAgent(scope, agentId);
		AgentSkill assignment = this.assignments.findByAgentIdAndSkillId(agent, skillId)
			.orElseThrow(() -> ProblemException.notFound("Skill assignment not found"));
		this.assignments.delete(assignment);
		this.assignments.flush();
		Skill skill = this.skills.findById(skillId).orElseThrow();
		this.changes.record("agent.skill_unassigned", scope.workspaceId(), "agent", agent, scope.userId(),
				event(agent, skill, assignment.id));
		this.agents.changed(scope, agent, "skills");
	}

	private static Map<String, Object> event(String agentId, Skill skill, String assignmentId) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", agentId);
		data.put("skill_id", skill.id);
		data.put("skill_slug", skill.slug);
		data.put("assignment_id", assignmentId);
		return data;
	}

	private Skill visible(Scope scope, String skillId) {
		return this.skills.findVisible(skillId, scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Skill not found"));
	}

}
