package crewship.crew.escalations;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * The escalation endpoints of crews.mdx, and the agent's side on the internal listener:
 * raise ({@code POST /api/v1/internal/escalations}) and the long poll for the answer
 * ({@code GET /api/v1/internal/escalations/{id}/wait}).
 */
@RestController
class EscalationController {

	static final Duration MAX_WAIT = Duration.ofSeconds(55);

	static final Duration POLL = Duration.ofSeconds(1);

	private final Escalations escalations;

	private final WorkspaceScope scopes;

	EscalationController(Escalations escalations, WorkspaceScope scopes) {
		this.escalations = escalations;
		this.scopes = scopes;
	}

	record Resolve(String action, String resolution, String redirectTo) {
	}

	record Cancel(String reason) {
	}

	record Raise(@NotBlank String workspaceId, @NotBlank String crewId, @NotBlank String agentId, String type,
			String reason, String context, String metadata, String peerConversationId, String credentialId) {
	}

	@GetMapping("/api/v1/crews/{crewId}/escalations")
	List<Escalation> list(@PathVariable String crewId, @RequestParam(required = false) String status,
			@PageParams.Defaults(limit = 50) PageParams page, IdentityAssertion caller, HttpServletRequest request) {
		return this.escalations.list(this.scopes.require(caller, request, Action.READ), crewId, status, page);
	}

	@DeleteMapping("/api/v1/crews/{crewId}/escalations")
	Map<String, Object> purge(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		return Map.of("deleted", this.escalations.purge(this.scopes.require(caller, request, Action.MANAGE), crewId));
	}

	@PatchMapping("/api/v1/escalations/{escalationId}/resolve")
	Map<String, Object> resolve(@PathVariable String escalationId, @RequestBody Resolve body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.escalations.resolve(this.scopes.require(caller, request, Action.CREATE), escalationId,
				body.action(), body.resolution(), body.redirectTo());
	}

	@PostMapping("/api/v1/escalations/{escalationId}/cancel")
	Map<String, Object> cancel(@PathVariable String escalationId, @RequestBody(required = false) Cancel body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.escalations.cancel(this.scopes.require(caller, request, Action.CREATE), escalationId,
				(body != null) ? body.reason() : null);
	}

	@PostMapping("/api/v1/escalations/sweep-expired")
	Map<String, Object> sweep(
			/* parsed only to refuse a malformed body */ @RequestBody(required = false) JsonNode ignoredBody,
			IdentityAssertion caller, HttpServletRequest request) {
		return Map.of("expired", this.escalations.sweep(this.scopes.require(caller, request, Action.MANAGE)));
	}

	@GetMapping("/api/v1/escalations/pending-count")
	Map<String, Object> pendingCount(IdentityAssertion caller, HttpServletRequest request) {
		return Map.of("count", this.escalations.pendingCount(this.scopes.require(caller, request, Action.READ)));
	}

	@PostMapping("/api/v1/internal/escalations")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> raise(@Valid @RequestBody Raise body, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return this.escalations
			.raise(new Escalations.Raise(body.workspaceId(), body.crewId(), body.agentId(), body.type(), body.reason(),
					body.context(), body.metadata(), body.peerConversationId(), body.credentialId()));
	}

	/**
	 * Answers as soon as the escalation leaves PENDING, or after {@code timeout} seconds
	 * (at most 55) with its current state. The request holds a virtual thread, not a
	 * platform one, while it waits.
	 */
	@GetMapping("/api/v1/internal/escalations/{escalationId}/wait")
	Map<String, Object> await(@PathVariable String escalationId,
			@RequestParam(name = "workspace_id", required = false) String workspaceId,
			@RequestParam(defaultValue = "30") int timeout, IdentityAssertion caller) {
		InternalCallers.require(caller);
		if (workspaceId == null || workspaceId.isBlank()) {
			throw ProblemException.badRequest("workspace_id is required");
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(Math.clamp(timeout, 0, MAX_WAIT.toSeconds())).toNanos();
		while (true) {
			Map<String, Object> state = this.escalations.state(workspaceId, escalationId);
			if (!Escalation.PENDING.equals(state.get("status")) || System.nanoTime() >= deadline) {
				return state;
			}
			try {
				Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return state;
			}
		}
	}

}
