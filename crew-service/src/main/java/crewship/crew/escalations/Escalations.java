package crewship.crew.escalations;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.crews.Crew;
import crewship.crew.crews.CrewService;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * Escalations (crews.mdx "Crew Escalations"): an agent's question to a human, raised with
 * a deadline of the server's clock. Every way out of {@code PENDING} — resolve, cancel,
 * expiry — is one conditional update on {@code status = 'PENDING'}, so a row leaves it
 * exactly once; a transition from a terminal state is a 409 naming the state reached.
 * Events carry websocket.mdx's payloads ({@code escalation.created|resolved|expired|
 * cancelled}), which issue-service's inbox consumes.
 */
@Service
public class Escalations {

	static final int MAX_TEXT = 20_000;

	private final JdbcClient jdbc;

	private final CrewService crews;

	private final Changes changes;

	private final EscalationExpiry expiry;

	private final Duration deadline;

	Escalations(JdbcClient jdbc, CrewService crews, Changes changes, EscalationExpiry expiry,
			@Value("${crewship.escalations.deadline:300s}") Duration deadline) {
		this.jdbc = jdbc;
		this.crews = crews;
		this.changes = changes;
		this.expiry = expiry;
		this.deadline = deadline;
	}

	/** What an agent raises. */
	record Raise(String workspaceId, String crewId, String agentId, String type, String reason, String context,
			String metadata, String peerConversationId, String credentialId) {
	}

	/**
	 * Raises an escalation for an agent of the crew; its deadline is set here.
	 * @throws ProblemException 404 for a crew or agent not in the workspace
	 */
	@Transactional
	Map<String, Object> raise(Raise request) {
		if (request.reason() == null || request.reason().isBlank()) {
			throw ProblemException.badRequest("reason is required");
		}
		bounded("reason", request.reason());
		bounded("context", request.context());
		bounded("metadata", request.metadata());
		Crew crew = this.crews.find(request.workspaceId(), request.crewId());
		List<Map<String, Object>> agents = this.jdbc.sql("""
				select id, slug, name from agent where id = :id and workspace_id = :ws and crew_id = :crew
				   and deleted_at is null
				""")
			.param("id", request.agentId())
			.param("ws", request.workspaceId())
			.param("crew", crew.getId())
			.query()
			.listOfRows();
		if (agents.isEmpty()) {
			throw ProblemException.notFound("Agent not found in this crew");
		}
		Map<String, Object> agent = agents.get(0);
		String id = Cuid.next();
		Instant now = Timestamps.now();
		Instant due = now.plus(this.deadline);
		this.jdbc
			.sql("""
					insert into escalation (id, workspace_id, crew_id, agent_id, from_slug, from_name, type, reason, context,
					                        metadata, peer_conversation_id, credential_id, status, deadline_at, created_at)
					values (:id, :ws, :crew, :agent, :slug, :name, :type, :reason, :context, :metadata, :peer, :credential,
					        'PENDING', :due, :now)
					""")
			.param("id", id)
			.param("ws", request.workspaceId())
			.param("crew", crew.getId())
			.param("agent", agent.get("id"))
			.param("slug", agent.get("slug"))
			.param("name", agent.get("name"))
			.param("type", (request.type() != null && !request.type().isBlank()) ? request.type().trim() : "question")
			.param("reason", request.reason().trim())
			.param("context", request.context())
			.param("metadata", request.metadata())
			.param("peer", request.peerConversationId())
			.param("credential", request.credentialId())
			.param("due", Timestamp.from(due))
			.param("now", Timestamp.from(now))
			.update();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", id);
		data.put("crew_id", crew.getId());
		data.put("from_slug", agent.get("slug"));
		data.put("reason", request.reason().trim());
		data.put("agent_id", agent.get("id"));
		data.put("deadline_at", due);
		this.changes.record("escalation.created", request.workspaceId(), "escalation", id, null, data);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("id", id);
		answer.put("status", Escalation.PENDING);
		answer.put("deadline_at", due);
		return answer;
	}

	/**
	 * The crew's escalations, newest first, after settling the workspace's past-deadline
	 * ones. An unknown status filter lists nothing rather than everything.
	 */
	List<Escalation> list(Scope scope, String crewRef, String status, PageParams page) {
		Crew crew = this.crews.find(scope.workspaceId(), crewRef);
		this.expiry.sweepWorkspace(scope.workspaceId());
		if (status != null && !status.isBlank() && !Escalation.STATUSES.contains(status.trim())) {
			return List.of();
		}
		return this.jdbc.sql("""
				select * from escalation where crew_id = :crew and workspace_id = :ws
				   and (cast(:status as varchar) is null or status = :status)
				 order by created_at desc, id desc limit :limit offset :offset
				""")
			.param("crew", crew.getId())
			.param("ws", scope.workspaceId())
			.param("status", (status != null && !status.isBlank()) ? status.trim() : null)
			.param("limit", page.limit())
			.param("offset", page.offset())
			.query(Escalation::read)
			.list();
	}

	/** Deletes every escalation of the crew. @return how many */
	@Transactional
	int purge(Scope scope, String crewRef) {
		Crew crew = this.crews.find(scope.workspaceId(), crewRef);
		int deleted = this.jdbc.sql("delete from escalation where crew_id = :crew and workspace_id = :ws")
			.param("crew", crew.getId())
			.param("ws", scope.workspaceId())
			.update();
		this.changes.record("escalations.purged", scope.workspaceId(), "crew", crew.getId(), scope.userId(),
				Map.of("id", crew.getId(), "crew_id", crew.getId(), "deleted", deleted));
		return deleted;
	}

	/**
	 * Records a human's decision on a pending escalation that is still within its
	 * deadline.
	 * @throws ProblemException 400 for a bad decision, 404 for another workspace's or a
	 * missing escalation, 409 when it is no longer pending
	 */
	@Transactional
	Map<String, Object> resolve(Scope scope, String id, String action, String resolution, String redirectTo) {
		if (action == null || !Escalation.ACTIONS.contains(action)) {
			throw ProblemException.badRequest("action must be approve, reject or redirect");
		}
		if (action.equals("redirect") && (redirectTo == null || redirectTo.isBlank())) {
			throw ProblemException.badRequest("redirect_to is required for action redirect");
		}
		bounded("resolution", resolution);
		int updated = this.jdbc.sql("""
				update escalation set status = 'RESOLVED', action = :action, resolution = :resolution,
				       redirect_to = :redirect, resolved_by = :user, resolved_at = now()
				 where id = :id and workspace_id = :ws and status = 'PENDING'
				   and (deadline_at is null or deadline_at > now())
				""")
			.param("action", action)
			.param("resolution", resolution)
			.param("redirect", action.equals("redirect") ? redirectTo.trim() : null)
			.param("user", scope.userId())
			.param("id", id)
			.param("ws", scope.workspaceId())
			.update();
		Escalation escalation = settled(scope, id, updated);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", escalation.id());
		data.put("crew_id", escalation.crewId());
		data.put("from_slug", escalation.fromSlug());
		data.put("action", action);
		data.put("agent_id", escalation.agentId());
		this.changes.record("escalation.resolved", scope.workspaceId(), "escalation", id, scope.userId(), data);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("id", escalation.id());
		answer.put("status", Escalation.RESOLVED);
		answer.put("action", action);
		return answer;
	}

	/**
	 * Withdraws a pending escalation without deciding it.
	 * @throws ProblemException 404 for another workspace's or a missing escalation, 409
	 * when it is no longer pending
	 */
	@Transactional
	Map<String, Object> cancel(Scope scope, String id, String reason) {
		bounded("reason", reason);
		int updated = this.jdbc.sql("""
				update escalation set status = 'CANCELLED', cancel_reason = :reason, resolved_by = :user,
				       resolved_at = now()
				 where id = :id and workspace_id = :ws and status = 'PENDING'
				   and (deadline_at is null or deadline_at > now())
				""")
			.param("reason", (reason != null && !reason.isBlank()) ? reason.trim() : null)
			.param("user", scope.userId())
			.param("id", id)
			.param("ws", scope.workspaceId())
			.update();
		Escalation escalation = settled(scope, id, updated);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", escalation.id());
		data.put("crew_id", escalation.crewId());
		data.put("from_slug", escalation.fromSlug());
		data.put("agent_id", escalation.agentId());
		data.put("reason", escalation.cancelReason());
		this.changes.record("escalation.cancelled", scope.workspaceId(), "escalation", id, scope.userId(), data);
		return Map.of("id", escalation.id(), "status", Escalation.CANCELLED);
	}

	/**
	 * After a compare-and-swap: the row it changed, or the reason it changed none (404,
	 * or 409 naming the state reached — expiring a pending row whose deadline passed).
	 */
	private Escalation settled(Scope scope, String id, int updated) {
		if (updated == 0) {
			Escalation current = find(scope.workspaceId(), id);
			if (current.isPending()) {
				this.expiry.sweepWorkspace(scope.workspaceId());
				current = find(scope.workspaceId(), id);
			}
			throw ProblemException.conflict("The escalation is no longer PENDING: it is " + current.status());
		}
		return find(scope.workspaceId(), id);
	}

	int sweep(Scope scope) {
		return this.expiry.sweepWorkspace(scope.workspaceId());
	}

	long pendingCount(Scope scope) {
		this.expiry.sweepWorkspace(scope.workspaceId());
		return this.jdbc.sql("select count(*) from escalation where workspace_id = :ws and status = 'PENDING'")
			.param("ws", scope.workspaceId())
			.query(Long.class)
			.single();
	}

	/**
	 * What a waiting agent learns: the decision, or that no answer will come. Expiry is
	 * applied first, so a wait never reports PENDING past the deadline.
	 */
	Map<String, Object> state(String workspaceId, String id) {
		Escalation escalation = find(workspaceId, id);
		if (escalation.isPending() && escalation.deadlineAt() != null
				&& !escalation.deadlineAt().isAfter(Timestamps.now())) {
			this.expiry.sweepWorkspace(workspaceId);
			escalation = find(workspaceId, id);
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("id", escalation.id());
		answer.put("status", escalation.status());
		answer.put("deadline_at", escalation.deadlineAt());
		switch (escalation.status()) {
			case Escalation.RESOLVED -> {
				answer.put("action", escalation.action());
				answer.put("resolution", escalation.resolution());
				answer.put("redirect_to", escalation.redirectTo());
			}
			case Escalation.EXPIRED -> answer.put("warning",
					"No human answered before the deadline: continue without the answer, and say so in your result.");
			case Escalation.CANCELLED -> {
				answer.put("reason", escalation.cancelReason());
				answer.put("warning", "The question was withdrawn without an answer: continue without it.");
			}
			default -> {
			}
		}
		return answer;
	}

	private Escalation find(String workspaceId, String id) {
		return this.jdbc.sql("select * from escalation where id = :id and workspace_id = :ws")
			.param("id", id)
			.param("ws", workspaceId)
			.query(Escalation::read)
			.optional()
			.orElseThrow(() -> ProblemException.notFound("Escalation not found"));
	}

	private static void bounded(String field, String value) {
		if (value != null && value.length() > MAX_TEXT) {
			throw new ProblemException(HttpStatus.BAD_REQUEST, field + " exceeds " + MAX_TEXT + " characters");
		}
	}

}
