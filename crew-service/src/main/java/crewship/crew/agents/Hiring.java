package crewship.crew.agents;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.agents.AgentRequests.Hire;
import crewship.crew.agents.AgentRequests.Rehire;
import crewship.crew.agents.AgentTemplates.Template;
import crewship.crew.crews.Crew;
import crewship.crew.crews.CrewService;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.web.ProblemException;

/**
 * Hiring contractors (ephemeral agents), gated by the crew's autonomy policy and bounded
 * by its {@code max_ephemeral_agents} quota (ghosts excluded).
 */
@Service
class Hiring {

	/** What the crew's autonomy level decides for a hire. */
	enum Decision {

		/** strict: refused. */
		REJECTED("rejected"),
		/** guided: created in PENDING_REVIEW, released by approve-hire. */
		QUEUE_FOR_APPROVAL("queue_for_approval"),
		/** trusted: live; the inbox would get a visibility item. */
		AUTO_WITH_INBOX("auto_with_inbox"),
		/** full: live, journal only. */
		AUTO_LOG_JOURNAL("auto_log_journal");

		final String wire;

		Decision(String wire) {
			this.wire = wire;
		}

		static Decision of(String autonomyLevel) {
			return switch (autonomyLevel) {
				case "strict" -> REJECTED;
				case "guided" -> QUEUE_FOR_APPROVAL;
				case "trusted" -> AUTO_WITH_INBOX;
				default -> AUTO_LOG_JOURNAL;
			};
		}

	}

	/**
	 * The page's hire answer: the agent object (the reference schema's shape, which the
	 * rehire answer must be) with the hire's outcome beside it. {@code inbox_item_id} is
	 * the id of the item issue-service's inbox writes from {@code agent.hired} (the
	 * approval of a guided hire, the notice of a trusted one): minted here and carried by
	 * the event, so the answer can name it; absent when no item is made (full autonomy,
	 * rehires).
	 */
	record HireView(@JsonUnwrapped AgentView agent, boolean pendingReview,
			@JsonInclude(JsonInclude.Include.NON_NULL) String inboxItemId, String decision) {

		static HireView of(AgentView agent, Decision decision) {
			return of(agent, decision, null);
		}

		static HireView of(AgentView agent, Decision decision, String inboxItemId) {
			return new HireView(agent, Agent.PENDING_REVIEW.equals(agent.status()), inboxItemId, decision.wire);
		}

	}

	private final AgentRepository agents;

	private final AgentService agentService;

	private final CrewService crews;

	private final AgentTemplates templates;

	private final Changes changes;

	Hiring(AgentRepository agents, AgentService agentService, CrewService crews, AgentTemplates templates,
			Changes changes) {
		this.agents = agents;
		this.agentService = agentService;
		this.crews = crews;
		this.templates = templates;
		this.changes = changes;
	}

	@Transactional
	HireView hire(Scope scope, Hire request) {
		boolean byId = request.crewId() != null && !request.crewId().isBlank();
		boolean bySlug = request.crewSlug() != null && !request.crewSlug().isBlank();
		if (byId == bySlug) {
			throw ProblemException.badRequest("Provide exactly one of crew_id and crew_slug");
		}
		HireTerms terms = HireTerms.of(request.ttlMinutes(), request.reason());
		Crew crew = this.crews.find(scope.workspaceId(), byId ? request.crewId() : request.crewSlug());
		Template template = this.templates.find(request.templateSlug())
			.orElseThrow(() -> ProblemException.notFound("Template '" + request.templateSlug() + "' not found"));
		Decision decision = Decision.of(crew.getAutonomyLevel());
		if (decision == Decision.REJECTED) {
			throw strict(crew);
		}
		requireQuota(crew);
		String parentLead = parentLead(scope, crew, request.parentLeadId());
		Agent agent = Agent.hired(scope.workspaceId(), crew.getId(), template.name(), ephemeralSlug(template),
				scope.userId(), terms, decision == Decision.QUEUE_FOR_APPROVAL);
		agent.roleTitle = template.roleTitle();
		agent.cliAdapter = template.cliAdapter();
		agent.toolProfile = template.toolProfile();
		agent.llmModel = (request.model() != null && !request.model().isBlank()) ? request.model().trim() : null;
		agent.parentLeadId = parentLead;
		this.agents.saveAndFlush(agent);
		Map<String, Object> data = this.agentService.summary(agent);
		data.put("decision", decision.wire);
		data.put("template_slug", template.slug());
		data.put("expires_at", agent.expiresAt);
		data.put("hire_reason", agent.hireReason);
		String inboxItemId = (decision == Decision.QUEUE_FOR_APPROVAL || decision == Decision.AUTO_WITH_INBOX)
				? Cuid.next() : null;
		if (inboxItemId != null) {
			data.put("inbox_item_id", inboxItemId);
		}
		this.changes.record("agent.hired", scope.workspaceId(), "agent", agent.id, scope.userId(), data);
		return HireView.of(this.agentService.view(agent), decision, inboxItemId);
	}

	@Transactional
	HireView rehire(Scope scope, String agentId, Rehire request) {
		Agent agent = this.agentService.find(scope, agentId);
		if (!agent.ephemeral) {
			throw ProblemException.notFound("Agent not found or not ephemeral");
		}
		HireTerms terms = HireTerms.of(request.ttlMinutes(), request.reason());
		Crew crew = this.crews.find(scope.workspaceId(), agent.crewId);
		Decision decision = Decision.of(crew.getAutonomyLevel());
		if (decision == Decision.REJECTED) {
			throw strict(crew);
		}
		if (agent.expiredAt != null) {
			requireQuota(crew); // a ghost coming back takes a slot; extending a live one
								// does not
		}
		agent.rehire(terms);
		this.agents.saveAndFlush(agent);
		Map<String, Object> data = this.agentService.summary(agent);
		data.put("expires_at", agent.expiresAt);
		this.changes.record("agent.rehired", scope.workspaceId(), "agent", agent.id, scope.userId(), data);
		return HireView.of(this.agentService.view(agent), decision);
	}

	@Transactional
	Map<String, Object> approve(Scope scope, String agentId) {
		Agent agent = this.agentService.find(scope, agentId);
		// a conditional UPDATE: of two concurrent approvals exactly one flips the row
		if (this.agents.approvePending(agent.id) != 1) {
			throw ProblemException.conflict("Agent is not in PENDING_REVIEW");
		}
		Map<String, Object> data = this.agentService.summary(agent);
		data.put("status", Agent.IDLE);
		this.changes.record("agent.hire_approved", scope.workspaceId(), "agent", agent.id, scope.userId(), data);
		return Map.of("id", agent.id, "status", Agent.IDLE, "crew_id", agent.crewId);
	}

	private void requireQuota(Crew crew) {
		if (this.agents.activeEphemerals(crew.getId()) >= crew.getMaxEphemeralAgents()) {
			throw ProblemException.tooManyRequests(
					"Crew quota of " + crew.getMaxEphemeralAgents()
							+ " ephemeral agents reached: rehire a ghost or raise max_ephemeral_agents",
					Duration.ofMinutes(1));
		}
	}

	private String parentLead(Scope scope, Crew crew, String parentLeadId) {
		if (parentLeadId == null || parentLeadId.isBlank()) {
			return null;
		}
		Agent lead = this.agents.findLive(parentLeadId, scope.workspaceId()).orElse(null);
		if (lead == null || !lead.isLead() || !crew.getId().equals(lead.crewId)) {
			throw ProblemException.badRequest("parent_lead_id must name a LEAD agent of the same crew");
		}
		return lead.id;
	}

	private static ProblemException strict(Crew crew) {
		ProblemException problem = new ProblemException(HttpStatus.FORBIDDEN,
				"The crew's autonomy policy is strict: hiring is rejected");
		problem.getBody().setProperty("decision", Decision.REJECTED.wire);
		problem.getBody().setProperty("autonomy_level", crew.getAutonomyLevel());
		return problem;
	}

	private static String ephemeralSlug(Template template) {
		byte[] random = new byte[3];
		ThreadLocalRandom.current().nextBytes(random);
		return template.slug() + "-eph-" + HexFormat.of().formatHex(random);
	}

}
