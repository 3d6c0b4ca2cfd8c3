package crewship.crew.agents;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.agents.AgentRequests.CreateAgent;
import crewship.crew.agents.AgentRequests.UpdateAgent;
import crewship.crew.crews.Crew;
import crewship.crew.crews.CrewService;
import crewship.crew.persona.PersonaStore;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope;
import crewship.crew.workspace.WorkspaceScope.Scope;

import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/** Agents: CRUD, the per-agent edit gate, persona layers and the status aggregate. */
@Service
public class AgentService {

	static final int HISTORY_DEFAULT = 20;

	private final AgentRepository agents;

	private final CrewService crews;

	private final Changes changes;

	private final PersonaStore personas;

	AgentService(AgentRepository agents, CrewService crews, Changes changes, PersonaStore personas) {
		this.agents = agents;
		this.crews = crews;
		this.changes = changes;
		this.personas = personas;
	}

	/**
	 * @throws ProblemException 404 for a missing, deleted or other workspace's agent
	 */
	Agent find(Scope scope, String agentId) {
		return this.agents.findLive(agentId, scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Agent not found"));
	}

	/** The live agent of the workspace, for other features (skills). */
	@Transactional(readOnly = true)
	public String requireAgent(Scope scope, String agentId) {
		return find(scope, agentId).id;
	}

	@Transactional(readOnly = true)
	List<AgentView> list(Scope scope, String crewRef, PageParams page) {
		String crewId = (crewRef != null && !crewRef.isBlank()) ? this.crews.find(scope.workspaceId(), crewRef).getId()
				: null;
		List<Agent> found = this.agents.page(scope.workspaceId(), crewId, page.limit(), page.offset());
		Map<String, Crew> crewsById = this.crews.findAll(scope.workspaceId(),
				found.stream().map(agent -> agent.crewId).filter(Objects::nonNull).distinct().toList());
		return found.stream()
			.map(agent -> AgentView.of(agent, crewsById.get(agent.crewId), this.agents.skillCount(agent.id)))
			.toList();
	}

	@Transactional(readOnly = true)
	AgentView get(Scope scope, String agentId) {
		return view(find(scope, agentId));
	}

	@Transactional
	AgentView create(Scope scope, CreateAgent request) {
		if (this.agents.slugTaken(request.slug(), scope.workspaceId())) {
			throw ProblemException.conflict("Agent slug '" + request.slug() + "' is already taken in this workspace");
		}
		Agent agent = new Agent(scope.workspaceId(), null, request.name().trim(), request.slug(), scope.userId());
		AgentSettings.apply(agent, request.asUpdate());
		place(scope, agent, request.crewId());
		this.agents.saveAndFlush(agent);
		this.changes.record("agent.created", scope.workspaceId(), "agent", agent.id, scope.userId(), summary(agent));
		return view(agent);
	}

	@Transactional
	AgentView update(Scope scope, String agentId, UpdateAgent request) {
		Agent agent = find(scope, agentId);
		requireEdit(scope, agent);
		if (request.slug() != null && !request.slug().equals(agent.slug)
				&& this.agents.slugTaken(request.slug(), scope.workspaceId())) {
			throw ProblemException.conflict("Agent slug '" + request.slug() + "' is already taken in this workspace");
		}
		AgentSettings.apply(agent, request);
		place(scope, agent, (request.crewId() != null) ? request.crewId() : agent.crewId);
		agent.touch();
		this.agents.saveAndFlush(agent);
		this.changes.record("agent.updated", scope.workspaceId(), "agent", agent.id, scope.userId(),
				Map.of("id", agent.id));
		return view(agent);
	}

	@Transactional
	void delete(Scope scope, String agentId) {
		Agent agent = find(scope, agentId);
		requireEdit(scope, agent);
		agent.markDeleted();
		this.agents.saveAndFlush(agent);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", agent.id);
		data.put("crew_id", agent.crewId); // the same shape as when a crew's deletion
											// takes it
		this.changes.record("agent.deleted", scope.workspaceId(), "agent", agent.id, scope.userId(), data);
	}

	/**
	 * Puts the agent in a crew of the caller's workspace (400 for any other, as the page
	 * says), keeping one LEAD per crew (409).
	 */
	private void place(Scope scope, Agent agent, String crewRef) {
		if (crewRef == null || crewRef.isBlank()) {
			if (agent.isLead()) {
				throw ProblemException.badRequest("crew_id is required for a LEAD agent");
			}
			agent.crewId = null;
			return;
		}
		Crew crew;
		try {
			crew = this.crews.find(scope.workspaceId(), crewRef);
		}
		catch (ProblemException ex) {
			throw ProblemException.badRequest("crew_id does not name a crew of this workspace");
		}
		agent.crewId = crew.getId();
		if (agent.isLead() && this.agents.crewHasOtherLead(crew.getId(), agent.id)) {
			throw ProblemException.conflict("The crew already has a LEAD agent");
		}
	}

	/**
	 * The page's per-agent edit gate: OWNER/ADMIN edit any agent; a MANAGER only agents
	 * they created or in crews where they hold a per-crew ADMIN/OWNER role.
	 */
	void requireEdit(Scope scope, Agent agent) {
		WorkspaceScope.demand(scope, Action.CREATE);
		if (scope.role().permits(Action.MANAGE) || scope.userId().equals(agent.createdByUserId)) {
			return;
		}
		boolean crewAdmin = agent.crewId != null && this.crews.crewRole(agent.crewId, scope.userId())
			.map(role -> role.permits(Action.MANAGE))
			.orElse(false);
		if (!crewAdmin) {
			throw ProblemException.forbidden("A MANAGER may edit only agents they created or in crews they administer");
		}
	}

	AgentView view(Agent agent) {
		Crew crew = (agent.crewId != null)
				? this.crews.findAll(agent.workspaceId, List.of(agent.crewId)).get(agent.crewId) : null;
		return AgentView.of(agent, crew, this.agents.skillCount(agent.id));
	}

	static Map<String, Object> summary(Agent agent) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", agent.id);
		data.put("crew_id", agent.crewId);
		data.put("name", agent.name);
		data.put("slug", agent.slug);
		data.put("status", agent.status);
		data.put("ephemeral", agent.ephemeral);
		return data;
	}

	// --- persona

	@Transactional(readOnly = true)
	Map<String, Object> persona(Scope scope, String agentId) {
		Agent agent = find(scope, agentId);
		String content = agent.persona;
		String layer = "agent";
		boolean fromDefault = false;
		if (content == null) {
			layer = "crew";
			Crew crew = (agent.crewId != null)
					? this.crews.findAll(scope.workspaceId(), List.of(agent.crewId)).get(agent.crewId) : null;
			content = (crew != null) ? crew.getPersona() : null;
			if (content == null) {
				fromDefault = true;
				content = "You are the " + ((agent.roleTitle != null) ? agent.roleTitle : agent.agentRole.toLowerCase())
						+ " " + agent.name + ".\n";
			}
		}
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("agent_id", agent.id);
		view.put("layer", layer);
		view.put("from_default", fromDefault);
		view.put("content", content);
		view.put("bytes", content.getBytes(StandardCharsets.UTF_8).length);
		view.put("cap_bytes", PersonaStore.CAP_BYTES);
		return view;
	}

	@Transactional
	Map<String, Object> setPersona(Scope scope, String agentId, String content) {
		int bytes = PersonaStore.checkedSize(content);
		Agent agent = find(scope, agentId);
		requireEdit(scope, agent);
		agent.persona = content;
		agent.touch();
		Instant written = this.personas.recordWrite("agent", agent.id, content, scope.userId());
		this.changes.record("agent.updated", scope.workspaceId(), "agent", agent.id, scope.userId(),
				Map.of("id", agent.id, "change", "persona_set"));
		return Map.of("layer", "agent", "bytes", bytes, "updated", written);
	}

	@Transactional
	void resetPersona(Scope scope, String agentId) {
		Agent agent = find(scope, agentId);
		requireEdit(scope, agent);
		if (agent.persona != null) {
			agent.persona = null;
			agent.touch();
			this.changes.record("agent.updated", scope.workspaceId(), "agent", agent.id, scope.userId(),
					Map.of("id", agent.id, "change", "persona_reset"));
		}
	}

	@Transactional(readOnly = true)
	Map<String, Object> personaHistory(Scope scope, String agentId, int limit) {
		Agent agent = find(scope, agentId);
		return Map.of("entries", this.personas.history("agent", agent.id, limit));
	}

	// --- status

	/**
	 * Agents by status; everything neither RUNNING nor ERROR (PENDING_REVIEW too) is
	 * idle.
	 */
	@Transactional(readOnly = true)
	Map<String, Object> crewsStatus(Scope scope) {
		long total = 0;
		long running = 0;
		long error = 0;
		for (Object[] row : this.agents.statusCounts(scope.workspaceId())) {
			long n = ((Number) row[1]).longValue();
			total += n;
			if ("RUNNING".equals(row[0])) {
				running += n;
			}
			else if ("ERROR".equals(row[0])) {
				error += n;
			}
		}
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("total", total);
		status.put("running", running);
		status.put("error", error);
		status.put("idle", total - running - error);
		status.put("queued", 0); // the admission queue is mission-service's; none here
									// yet
		return status;
	}

}
