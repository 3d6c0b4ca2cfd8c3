package crewship.mission.runs;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.runs.RunQueries.Filter;
import crewship.mission.runs.RunQueries.Page;
import crewship.mission.runs.RunScope.Scope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * The runs pages' three reads ({@code runs.mdx}), in the caller's workspace: another
 * workspace's run is not found.
 */
@RestController
class RunController {

	private final RunQueries queries;

	private final RunScope scope;

	RunController(RunQueries queries, RunScope scope) {
		this.queries = queries;
		this.scope = scope;
	}

	@GetMapping("/api/v1/runs")
	Page list(@RequestParam(required = false) String status,
			@RequestParam(name = "agent_id", required = false) String agentId,
			@RequestParam(required = false) String trigger, @RequestParam(required = false) String tag,
			@RequestParam(required = false) String page, @RequestParam(required = false) String limit,
			IdentityAssertion caller, HttpServletRequest request) {
		Scope in = this.scope.require(caller, request, Action.READ);
		return this.queries.list(in.workspaceId(),
				new Filter(blankToNull(status), blankToNull(agentId), blankToNull(trigger), blankToNull(tag)), page,
				limit);
	}

	@GetMapping("/api/v1/runs/insights")
	Map<String, Object> insights(@RequestParam(required = false) String window, IdentityAssertion caller,
			HttpServletRequest request) {
		Scope in = this.scope.require(caller, request, Action.READ);
		return this.queries.insights(in.workspaceId(), window);
	}

	@GetMapping("/api/v1/runs/{id}")
	RunView one(@PathVariable String id, IdentityAssertion caller, HttpServletRequest request) {
		Scope in = this.scope.require(caller, request, Action.READ);
		return this.queries.one(in.workspaceId(), id);
	}

	static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
