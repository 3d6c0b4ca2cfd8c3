package crewship.vault.keeper;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;
import crewship.vault.credentials.RequestOrigin;
import crewship.vault.workspace.CurrentWorkspace;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/admin/keeper/**}: every route is ADMIN or OWNER of the workspace the
 * request acts in; every change is journaled on the workspace's audit trail.
 */
@RestController
@RequestMapping("/api/v1/admin/keeper")
class KeeperAdminController {

	private final CurrentWorkspace workspace;

	private final KeeperConfigs configs;

	private final KeeperAux aux;

	private final KeeperGovernance governance;

	private final KeeperRequests requests;

	private final KeeperProbes probes;

	KeeperAdminController(CurrentWorkspace workspace, KeeperConfigs configs, KeeperAux aux, KeeperGovernance governance,
			KeeperRequests requests, KeeperProbes probes) {
		this.workspace = workspace;
		this.configs = configs;
		this.aux = aux;
		this.governance = governance;
		this.requests = requests;
		this.probes = probes;
	}

	record JudgeTest(@Size(max = 2048) String judgeEndpointUrl, @Size(max = 200) String judgeModel) {
	}

	record HostedTest(@Size(max = 40) String provider, @Size(max = 200) String model,
			@Size(max = 64) String credentialId) {
	}

	record Resolve(@NotBlank String decision, @Size(max = 2000) String reason, @Size(max = 200) String adjudicator) {
	}

	private String manage(IdentityAssertion caller, HttpServletRequest request) {
		return this.workspace.authorise(caller, request, Action.MANAGE).workspaceId();
	}

	// judge configuration

	@GetMapping("/config")
	KeeperConfigs.ConfigView config(IdentityAssertion caller, HttpServletRequest request) {
		return this.configs.view(manage(caller, request));
	}

	/**
	 * A JSON tree, not a record: an absent field and an explicit null mean different
	 * things.
	 */
	@PutMapping("/config")
	KeeperConfigs.ConfigView updateConfig(@RequestBody JsonNode body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.configs.update(manage(caller, request), caller.subject(), body, RequestOrigin.of(request));
	}

	@DeleteMapping("/config")
	KeeperConfigs.ConfigView clearConfig(IdentityAssertion caller, HttpServletRequest request) {
		return this.configs.clear(manage(caller, request), caller.subject(), RequestOrigin.of(request));
	}

	@GetMapping("/health")
	KeeperRequests.Health health(IdentityAssertion caller, HttpServletRequest request) {
		return this.requests.health(manage(caller, request));
	}

	// judge discovery and probes

	@GetMapping("/judge/models")
	KeeperProbes.ModelList models(@RequestParam(required = false) String endpoint, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.probes.models(manage(caller, request), endpoint);
	}

	@PostMapping("/judge/test")
	KeeperProbes.TestResult testJudge(@Valid @RequestBody(required = false) JudgeTest body, IdentityAssertion caller,
			HttpServletRequest request) {
		String workspaceId = manage(caller, request);
		return this.probes.testJudge(workspaceId, (body != null) ? body.judgeEndpointUrl() : null,
				(body != null) ? body.judgeModel() : null);
	}

	@PostMapping("/judge/test-hosted")
	KeeperProbes.TestResult testHosted(@Valid @RequestBody HostedTest body, IdentityAssertion caller,
			HttpServletRequest request) {
		String workspaceId = manage(caller, request);
		return this.probes.testHosted(workspaceId, body.provider(), body.model(), body.credentialId());
	}

	// evaluator models

	@GetMapping("/aux")
	KeeperAux.AuxView aux(IdentityAssertion caller, HttpServletRequest request) {
		return this.aux.view(manage(caller, request));
	}

	@PutMapping("/aux/{slot}")
	KeeperAux.AuxView updateSlot(@PathVariable String slot, @RequestBody KeeperAux.SlotChange body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.aux.update(manage(caller, request), slot, body, caller.subject(), RequestOrigin.of(request));
	}

	@DeleteMapping("/aux")
	KeeperAux.AuxView clearAux(IdentityAssertion caller, HttpServletRequest request) {
		return this.aux.clear(manage(caller, request), null, caller.subject(), RequestOrigin.of(request));
	}

	@DeleteMapping("/aux/{slot}")
	KeeperAux.AuxView clearSlot(@PathVariable String slot, IdentityAssertion caller, HttpServletRequest request) {
		return this.aux.clear(manage(caller, request), slot, caller.subject(), RequestOrigin.of(request));
	}

	@PostMapping("/aux/use-judge")
	KeeperAux.AuxView useJudge(IdentityAssertion caller, HttpServletRequest request) {
		return this.aux.useJudge(manage(caller, request), caller.subject(), RequestOrigin.of(request));
	}

	@PostMapping("/aux/{slot}/probe")
	KeeperProbes.TestResult probeSlot(@PathVariable String slot, IdentityAssertion caller, HttpServletRequest request) {
		return this.probes.probeSlot(manage(caller, request), slot);
	}

	// watchdog governance

	@GetMapping("/governance")
	KeeperGovernance.View governance(IdentityAssertion caller, HttpServletRequest request) {
		return this.governance.view(manage(caller, request));
	}

	@PutMapping("/governance")
	KeeperGovernance.View updateGovernance(@RequestBody KeeperGovernance.Change body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.governance.update(manage(caller, request), body, caller.subject(), RequestOrigin.of(request));
	}

	@PostMapping("/findings/test")
	void testFindings(IdentityAssertion caller, HttpServletRequest request) {
		manage(caller, request);
		throw unavailable("Findings routing (the inbox)");
	}

	// manual review and adjudication

	@PostMapping("/review/{slot}/run")
	void review(@PathVariable String slot, IdentityAssertion caller, HttpServletRequest request) {
		manage(caller, request);
		AuxSlot.of(slot);
		throw unavailable("Manual reviews (no evaluator runner)");
	}

	@PostMapping("/ask")
	void ask(IdentityAssertion caller, HttpServletRequest request) {
		manage(caller, request);
		throw unavailable("Operator asks (no run executor)");
	}

	/**
	 * The request log, newest first, as {@code {"requests":[…],"count":n}} (the reference
	 * schema); the page bounds it at 200 a page.
	 */
	@GetMapping("/requests")
	KeeperRequests.Page requests(@RequestParam(required = false) String limit,
			@RequestParam(required = false) String offset,
			@RequestParam(name = "request_type", required = false) String requestType, IdentityAssertion caller,
			HttpServletRequest request) {
		String workspaceId = manage(caller, request);
		return this.requests.list(workspaceId, blankToNull(requestType), bounded(limit, "limit", 50, 1, 200),
				bounded(offset, "offset", 0, 0, Integer.MAX_VALUE));
	}

	@GetMapping("/requests/{requestId}/events")
	List<KeeperRequests.Transition> events(@PathVariable String requestId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.requests.transitions(manage(caller, request), requestId);
	}

	@PostMapping("/requests/{requestId}/resolve")
	KeeperRequests.Resolution resolve(@PathVariable String requestId, @Valid @RequestBody Resolve body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.requests.resolve(manage(caller, request), requestId, body.decision(), body.reason(),
				body.adjudicator(), caller.subject(), RequestOrigin.of(request));
	}

	@DeleteMapping("/requests")
	KeeperRequests.Purged purge(IdentityAssertion caller, HttpServletRequest request) {
		return this.requests.purge(manage(caller, request), caller.subject(), RequestOrigin.of(request));
	}

	static ProblemException unavailable(String what) {
		return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, what + ": capability unavailable on this server");
	}

	private static int bounded(String raw, String name, int fallback, int min, int max) {
		if (raw == null || raw.isBlank()) {
			return fallback;
		}
		try {
			int value = Integer.parseInt(raw.trim());
			if (value < min || value > max) {
				throw ProblemException.badRequest(name + " must be between " + min + " and " + max);
			}
			return value;
		}
		catch (NumberFormatException ex) {
			throw ProblemException.badRequest(name + " must be a whole number");
		}
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
