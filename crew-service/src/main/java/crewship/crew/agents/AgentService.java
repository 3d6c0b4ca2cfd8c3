package crewship.crew.agents;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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

/**
 * Agents: CRUD, the per-agent edit gate, persona layers, webhook secrets (kept by the
 * vault) and the status aggregate.
 */
@Service
public class AgentService {

	static final int HISTORY_DEFAULT = 20;

	private static final Logger log = LoggerFactory.getLogger(AgentService.class);

	private final AgentRepository agents;

	private final CrewService crews;

	private final Changes changes;

	private final PersonaStore personas;

	private final WebhookSecretVault vault;

	AgentService(AgentRepository agents, CrewService crews, Changes changes, PersonaStore personas,
			WebhookSecretVault vault) {
		this.agents = agents;
		this.crews = crews;
		this.changes = changes;
		this.personas = personas;
		this.vault = vault;
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

	/** An agent a crew template defines. */
	public record TemplateAgent(String name, String slug, String roleTitle, String agentRole, String cliAdapter,
			String llmProvider, String llmModel, String toolProfile, String systemPrompt) {
	}

	/**
	 * Creates an agent of a crew template in the crew, inside the caller's transaction,
	 * with the same checks, event and audit as {@code POST /agents}.
	 * @return the agent's id
	 * @throws ProblemException 409 for a slug already taken or a second LEAD
	 */
	@Transactional
	public String createFromTemplate(Scope scope, String crewId, TemplateAgent spec) {
		return create(scope,
				new CreateAgent(spec.name(), spec.slug(), crewId, null, spec.roleTitle(), spec.agentRole(), null,
						spec.cliAdapter(), spec.llmProvider(), spec.llmModel(), spec.systemPrompt(), null, null, null,
						spec.toolProfile(), null))
			.id();
	}

	/**
	 * A PATCH with {@code webhook_require_timestamp} succeeds only once the vault, which
	 * judges the deliveries, took the value: the agent row is locked, every local check
	 * and write is done, and the vault is asked last, so its refusal (503) rolls back the
	 * whole PATCH. Should the commit itself fail after that, the vault is put back to the
	 * previous value. The value is pushed even when unchanged, which repairs a vault that
	 * drifted.
	 */
	@Transactional
	AgentView update(Scope scope, String agentId, UpdateAgent request) {
		boolean policy = request.webhookRequireTimestamp() != null;
		Agent agent = policy ? findForUpdate(scope, agentId) : find(scope, agentId);
		requireEdit(scope, agent);
		boolean previousPolicy = agent.webhookRequireTimestamp;
		if (request.slug() != null && !request.slug().equals(agent.slug)
				&& this.agents.slugTaken(request.slug(), scope.workspaceId())) {
			throw ProblemException.conflict("Agent slug '" + request.slug() + "' is already taken in this workspace");
		}
		String seed = agent.avatarSeed;
		String style = agent.avatarStyle;
		AgentSettings.apply(agent, request);
		place(scope, agent, (request.crewId() != null) ? request.crewId() : agent.crewId);
		// a stored render depicts one (seed, style): compared by value, so a client that
		// resubmits the whole agent keeps it
		if (agent.avatarSha256 != null
				&& (!Objects.equals(seed, agent.avatarSeed) || !Objects.equals(style, agent.avatarStyle))) {
			this.agents.dropAvatar(agent.id);
			agent.avatarSha256 = null;
		}
		agent.touch();
		this.agents.saveAndFlush(agent);
		this.changes.record("agent.updated", scope.workspaceId(), "agent", agent.id, scope.userId(), summary(agent));
		AgentView view = view(agent);
		if (policy) {
			pushPolicy(scope.workspaceId(), agent.id, agent.webhookRequireTimestamp, previousPolicy);
		}
		return view;
	}

	private void pushPolicy(String workspaceId, String agentId, boolean required, boolean previous) {
		this.vault.requireTimestamp(workspaceId, agentId, required);
		if (required == previous) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCompletion(int status) {
				if (status == STATUS_COMMITTED) {
					return;
				}
				try {
					AgentService.this.vault.requireTimestamp(workspaceId, agentId, previous);
				}
				catch (RuntimeException ex) {
					// the next PATCH or rotation of this agent pushes its value again
					log.error("Agent {}: the update rolled back after the vault took webhook_require_timestamp={}, "
							+ "and putting it back failed", agentId, required, ex);
				}
			}
		});
	}

	/** The new secret, shown once. */
	record RotatedSecret(String webhookSecret, Instant rotatedAt) {
	}

	/**
	 * Has the vault mint a new webhook signing secret for the agent (the previous one
	 * stops validating at once) and returns it, the only time it is shown. The agent row
	 * stays locked meanwhile, so a concurrent delete either comes first (404 here) or
	 * waits, and its event then revokes this secret in the vault. Should the commit fail
	 * after the vault minted, the caller gets an error and no secret: rotating again is
	 * the remedy, as it is for a lost secret.
	 */
	@Transactional
	RotatedSecret rotateWebhookSecret(Scope scope, String agentId) {
		Agent agent = findForUpdate(scope, agentId);
		requireEdit(scope, agent);
		if (agent.expiredAt != null) {
			throw ProblemException.conflict("The agent is a ghost (its TTL elapsed): rehire it first");
		}
		agent.touch();
		this.changes.record("agent.updated", scope.workspaceId(), "agent", agent.id, scope.userId(),
				Map.of("id", agent.id, "change", "webhook_secret_rotated"));
		WebhookSecretVault.Minted minted = this.vault.rotate(scope.workspaceId(), agent.id, scope.userId(),
				agent.webhookRequireTimestamp);
		agent.webhookSecretRotatedAt = minted.rotatedAt();
		this.agents.saveAndFlush(agent);
		return new RotatedSecret(minted.secret(), minted.rotatedAt());
	}

	private Agent findForUpdate(Scope scope, String agentId) {
		return this.agents.findLiveForUpdate(agentId, scope.workspaceId())
			.orElseThrow(() -> ProblemException.notFound("Agent not found"));
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

	/**
	 * What an agent event carries: enough for another service's local copy (names on
	 * issues, the crew's LEAD) and for the run engine's (provider, model, timeout, the
	 * agent's own persona — bounded by the persona cap — and the names of its skills).
	 */
	Map<String, Object> summary(Agent agent) {
		return summary(agent, this.agents.skillNames(agent.id));
	}

	static Map<String, Object> summary(Agent agent, List<String> skills) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", agent.id);
		data.put("crew_id", agent.crewId);
		data.put("name", agent.name);
		data.put("slug", agent.slug);
		data.put("status", agent.status);
		data.put("ephemeral", agent.ephemeral);
		data.put("agent_role", agent.agentRole);
		data.put("llm_provider", agent.llmProvider);
		data.put("llm_model", agent.llmModel);
		data.put("timeout_seconds", agent.timeoutSeconds);
		data.put("persona", bounded(agent.persona));
		data.put("skills", List.copyOf(skills));
		return data;
	}

	private static String bounded(String persona) {
		if (persona == null || persona.length() <= PersonaStore.CAP_BYTES) {
			return persona;
		}
		return persona.substring(0, PersonaStore.CAP_BYTES);
	}

	/**
	 * {@code agent.updated} with the agent's summary after a change that is not a PATCH
	 * of the agent (its persona, its skills), so every local copy follows.
	 * @param change what changed ({@code persona_set}, {@code skills}, …)
	 */
	public void changed(Scope scope, String agentId, String change) {
		Agent agent = find(scope, agentId);
		Map<String, Object> data = summary(agent);
		data.put("change", change);
		this.changes.record("agent.updated", scope.workspaceId(), "agent", agent.id, scope.userId(), data);
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
		Map<String, Object> data = summary(agent);
		data.put("change", "persona_set");
		this.changes.record("agent.updated", scope.workspaceId(), "agent", agent.id, scope.userId(), data);
		return Map.of("layer", "agent", "bytes", bytes, "updated", written);
	}

	@Transactional
	void resetPersona(Scope scope, String agentId) {
		Agent agent = find(scope, agentId);
		requireEdit(scope, agent);
		if (agent.persona != null) {
			agent.persona = null;
			agent.touch();
			Map<String, Object> data = summary(agent);
			data.put("change", "persona_reset");
			this.changes.record("agent.updated", scope.workspaceId(), "agent", agent.id, scope.userId(), data);
		}
	}

	@Transactional(readOnly = true)
	List<PersonaStore.Version> personaHistory(Scope scope, String agentId, int limit) {
		Agent agent = find(scope, agentId);
		return this.personas.history("agent", agent.id, limit);
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
