package crewship.webhook.runs;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import crewship.webhook.crews.AgentCrews;
import crewship.webhook.crews.AgentCrews.AgentCrew;

/**
 * "Monitoring Webhook Runs": {@code GET
 * /api/v1/agents/{agentId}/runs?trigger_type=WEBHOOK} answered from the delivery records,
 * newest first. The gateway sends only the {@code WEBHOOK}-filtered listing here; an
 * agent's other runs are mission-service's. Until a run executor advances them, every
 * webhook run is {@code PENDING}.
 */
@RestController
class WebhookRunsController {

	private final JdbcTemplate jdbc;

	private final AgentCrews crews;

	private final WorkspaceAccess access;

	WebhookRunsController(JdbcTemplate jdbc, AgentCrews crews, WorkspaceAccess access) {
		this.jdbc = jdbc;
		this.crews = crews;
		this.access = access;
	}

	/** A webhook-triggered run of an agent. */
	record WebhookRun(String id, String agentId, String crewId, String workspaceId, String triggerType, String status,
			int payloadBytes, Instant createdAt, Instant queuedAt, Instant updatedAt) {
	}

	@GetMapping(path = "/api/v1/agents/{agentId}/runs", params = "trigger_type")
	List<WebhookRun> runs(@PathVariable String agentId, @RequestParam("trigger_type") String triggerType,
			@RequestParam(name = "workspace_id", required = false) String workspaceId, PageParams page,
			IdentityAssertion caller) {
		if (!"WEBHOOK".equalsIgnoreCase(triggerType)) {
			throw ProblemException.badRequest("This listing serves trigger_type=WEBHOOK only");
		}
		AgentCrew agent = this.crews.find(agentId)
			.filter(known -> !known.deleted() && known.workspaceId() != null)
			.orElse(null);
		if (agent == null) {
			// answered like an agent of a workspace the caller is not in: no existence
			// oracle
			if (!caller.isAuthenticated()) {
				throw ProblemException.unauthorized("Authentication required");
			}
			throw ProblemException.notFound("Agent not found");
		}
		this.access.require(caller, agent.workspaceId(), Action.READ);
		if (workspaceId != null && !workspaceId.equals(agent.workspaceId())) {
			throw ProblemException.notFound("Agent not found");
		}
		return this.jdbc.query("""
				select id, target_id, crew_id, workspace_id, status, payload_bytes, received_at, queued_at, updated_at
				  from webhook_delivery where target_kind = 'AGENT' and target_id = ?
				 order by received_at desc, id desc limit ? offset ?
				""",
				(rs, n) -> new WebhookRun(rs.getString("id"), rs.getString("target_id"), rs.getString("crew_id"),
						rs.getString("workspace_id"), "WEBHOOK", RunStatus.of(rs.getString("status")),
						rs.getInt("payload_bytes"), instant(rs.getTimestamp("received_at")),
						instant(rs.getTimestamp("queued_at")), instant(rs.getTimestamp("updated_at"))),
				agentId, page.limit(), page.offset());
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
