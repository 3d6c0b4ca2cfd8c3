package crewship.vault.internal;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;

/**
 * {@code /api/v1/internal/credentials/**}: the one place an agent run gets a decrypted
 * value. The gateway routes it only on its internal listener, behind
 * {@code X-Internal-Token}; any other caller gets the 404 of a path that does not exist.
 * Every resolution is a {@code USE} on the credential's timeline.
 */
@RestController
class InternalResolutionController {

	private final RunCredentials runs;

	InternalResolutionController(RunCredentials runs) {
		this.runs = runs;
	}

	@GetMapping("/api/v1/internal/credentials/{credentialId}/value")
	ResponseEntity<RunCredentials.Resolved> resolve(@PathVariable String credentialId,
			@RequestParam("workspace_id") String workspaceId,
			@RequestParam(name = "agent_id", required = false) String agentId,
			@RequestParam(name = "run_id", required = false) String runId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.runs.resolve(workspaceId, credentialId, agentId, runId));
	}

	/** An agent's whole environment for a run: its resolved slots with their values. */
	@GetMapping("/api/v1/internal/agents/{agentId}/credentials")
	ResponseEntity<RunCredentials.Environment> environment(@PathVariable String agentId,
			@RequestParam("workspace_id") String workspaceId,
			@RequestParam(name = "run_id", required = false) String runId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.runs.environment(workspaceId, agentId, runId));
	}

}
