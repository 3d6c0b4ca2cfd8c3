package crewship.vault.keeper;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.ProblemException;
import crewship.vault.internal.InternalCallers;

/**
 * {@code /api/v1/internal/keeper/**}, the sidecar's side of Keeper, behind
 * {@code X-Internal-Token} (anyone else gets the 404 of a path that does not exist). The
 * workspace is the query's; a body naming another is refused.
 */
@RestController
class InternalKeeperController {

	private final KeeperRequests requests;

	InternalKeeperController(KeeperRequests requests) {
		this.requests = requests;
	}

	record CredentialRequest(@Size(max = 64) String workspaceId, @NotBlank @Size(max = 64) String requestingAgentId,
			@Size(max = 200) String agentName, @Size(max = 64) String requestingCrewId,
			@Size(max = 64) String credentialId, @Size(max = 200) String credentialName, @Size(max = 64) String taskId,
			@NotBlank @Size(max = 4000) String intent) {
	}

	@PostMapping("/api/v1/internal/keeper/request")
	ResponseEntity<KeeperRequests.Decision> request(@RequestParam("workspace_id") String workspaceId,
			@Valid @RequestBody CredentialRequest body, IdentityAssertion caller) {
		InternalCallers.require(caller);
		if (body.workspaceId() != null && !body.workspaceId().equals(workspaceId)) {
			throw ProblemException.badRequest("The body's workspace_id differs from the request's");
		}
		if (isBlank(body.credentialId()) && isBlank(body.credentialName())) {
			throw ProblemException.badRequest("credential_id or credential_name is required");
		}
		KeeperRequests.Decision decision = this.requests
			.submit(new KeeperRequests.Submission(workspaceId, body.requestingAgentId(), body.agentName(),
					blankToNull(body.requestingCrewId()), blankToNull(body.credentialId()),
					blankToNull(body.credentialName()), blankToNull(body.taskId()), body.intent()));
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(decision);
	}

	@GetMapping("/api/v1/internal/keeper/request/{requestId}")
	ResponseEntity<KeeperRequests.Decision> decision(@PathVariable String requestId,
			@RequestParam("workspace_id") String workspaceId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.requests.current(workspaceId, requestId));
	}

	/**
	 * Always routed, never silently accepted: these evaluate with a run executor and
	 * evaluators this server does not have.
	 */
	@PostMapping({ "/api/v1/internal/keeper/execute", "/api/v1/internal/keeper/skill-review",
			"/api/v1/internal/keeper/behavior", "/api/v1/internal/keeper/memory-health",
			"/api/v1/internal/keeper/negative-learning" })
	void notConfigured(IdentityAssertion caller) {
		InternalCallers.require(caller);
		throw KeeperAdminController.unavailable("This Keeper evaluator is not configured");
	}

	private static boolean isBlank(String value) {
		return value == null || value.isBlank();
	}

	private static String blankToNull(String value) {
		return isBlank(value) ? null : value.trim();
	}

}
