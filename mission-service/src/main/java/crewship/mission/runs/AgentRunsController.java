package crewship.mission.runs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.agents.AgentDirectory;
import crewship.mission.runs.RunScope.Scope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * An agent's runs (every trigger, or one: {@code trigger_type=WEBHOOK} is the webhook
 * page's "Monitoring Webhook Runs"), its log, and {@code stop}, which cancels its live
 * runs on whichever replica runs them.
 */
@RestController
class AgentRunsController {

	static final int LOG_DEFAULT = 100;

	static final int LOG_MAX = 500;

	private final RunQueries queries;

	private final RunScope scope;

	private final AgentDirectory agents;

	private final RunStore store;

	private final RunRequests requests;

	AgentRunsController(RunQueries queries, RunScope scope, AgentDirectory agents, RunStore store,
			RunRequests requests) {
		this.queries = queries;
		this.scope = scope;
		this.agents = agents;
		this.store = store;
		this.requests = requests;
	}

	@GetMapping("/api/v1/agents/{agentId}/runs")
	List<RunView> runs(@PathVariable String agentId,
			@RequestParam(name = "trigger_type", required = false) String triggerType,
			@RequestParam(required = false) String trigger, @RequestParam(required = false) String status,
			@PageParams.Defaults(limit = 50) PageParams page, IdentityAssertion caller, HttpServletRequest request) {
		Scope in = scope(agentId, caller, request, Action.READ);
		String agent = agent(in, agentId);
		return this.queries.ofAgent(in.workspaceId(), agent, (triggerType != null) ? triggerType : trigger,
				RunController.blankToNull(status), page.limit(), page.offset());
	}

	/**
	 * The agent's log, oldest line first: the last {@code limit} lines (100, at most
	 * 500), of one run with {@code run_id}.
	 */
	@GetMapping("/api/v1/agents/{agentId}/logs")
	@Transactional(readOnly = true)
	Map<String, Object> logs(@PathVariable String agentId, @RequestParam(required = false) Integer limit,
			@RequestParam(name = "run_id", required = false) String runId, IdentityAssertion caller,
			HttpServletRequest request) {
		Scope in = scope(agentId, caller, request, Action.READ);
		String agent = agent(in, agentId);
		int lines = (limit == null) ? LOG_DEFAULT : limit;
		if (lines < 1 || lines > LOG_MAX) {
			throw ProblemException.badRequest("limit must be between 1 and " + LOG_MAX);
		}
		List<String> logs = new ArrayList<>(this.store.jdbc()
			.query("""
					select ts, level, event, content, run_id from run_log
					 where agent_id = ? and workspace_id = ? and (cast(? as text) is null or run_id = ?)
					 order by id desc limit ?
					""", (rs, n) -> format(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
					rs.getString(4), rs.getString(5)), agent, in.workspaceId(), runId, runId, lines));
		Collections.reverse(logs);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("agent_id", agent);
		answer.put("logs", logs);
		return answer;
	}

	/** Cancels the agent's PENDING and RUNNING runs. */
	@PostMapping("/api/v1/agents/{agentId}/stop")
	Map<String, Object> stop(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		Scope in = scope(agentId, caller, request, Action.CREATE);
		String agent = agent(in, agentId);
		List<String> live = this.store.jdbc().queryForList("""
				select id from run where workspace_id = ? and agent_id = ? and status in ('PENDING', 'RUNNING')
				 order by created_at limit 1000
				""", String.class, in.workspaceId(), agent);
		int cancelled = 0;
		for (String runId : live) {
			if (this.requests.cancel(in.workspaceId(), runId, in.userId(), "Stopped by " + in.userId())) {
				cancelled++;
			}
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("success", true);
		answer.put("status", (cancelled > 0) ? "stopping" : "idle");
		answer.put("message",
				(cancelled > 0) ? "Stopping " + cancelled + " run" + ((cancelled == 1) ? "" : "s") + " of the agent"
						: "The agent has no run to stop");
		return answer;
	}

	/**
	 * The caller in the request's workspace, or — when the request names none, as the
	 * webhook page's examples do — in the agent's own workspace (an agent id is unique);
	 * an agent unknown here, or of a workspace the caller is not in, is not found.
	 */
	private Scope scope(String agentRef, IdentityAssertion caller, HttpServletRequest request, Action action) {
		if (RequestedWorkspace.of(request).isPresent()) {
			return this.scope.require(caller, request, action);
		}
		caller.requireUser();
		String workspaceId = this.agents.workspaceOf(agentRef)
			.orElseThrow(() -> ProblemException.notFound("Agent not found"));
		return this.scope.require(caller, workspaceId, action);
	}

	/** The agent's id in the workspace (by id or slug), or 404. */
	private String agent(Scope in, String agentRef) {
		return this.agents.named(in.workspaceId(), agentRef)
			.map(AgentDirectory.Named::id)
			.or(() -> this.store.jdbc()
				.queryForList("select agent_id from run where workspace_id = ? and agent_id = ? limit 1", String.class,
						in.workspaceId(), agentRef)
				.stream()
				.findFirst())
			.orElseThrow(() -> ProblemException.notFound("Agent not found"));
	}

	private static String format(Instant ts, String level, String event, String content, String runId) {
		return ts + " [" + level + "] " + event + " (run " + runId + "): " + content;
	}

}
