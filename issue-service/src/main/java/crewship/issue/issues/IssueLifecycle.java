package crewship.issue.issues;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.issue.activity.ActivityLog;
import crewship.issue.comments.Comments;
import crewship.issue.directory.CrewDirectory;
import crewship.issue.directory.CrewDirectory.Agent;
import crewship.issue.directory.People;
import crewship.issue.issues.IssueRequests.Review;
import crewship.issue.workspace.Changes;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.web.ProblemException;

/**
 * Running an issue with its assigned agent, through mission-service (the event contract
 * of CONTRACTS.md). {@code start} asks for a run ({@code issue.run_requested}) and leaves
 * the status alone; the issue moves to IN_PROGRESS when mission-service says the run
 * started, and a finished run moves it on as the page's statuses say (COMPLETED → REVIEW
 * for a person's review, FAILED/TIMEOUT → FAILED, CANCELLED → CANCELLED). {@code stop}
 * cancels it; {@code review} records the decision.
 */
@Service
public class IssueLifecycle {

	private final IssueStore store;

	private final IssueService issues;

	private final ActivityLog activity;

	private final Changes changes;

	private final Comments comments;

	private final CrewDirectory crews;

	private final People people;

	IssueLifecycle(IssueStore store, IssueService issues, ActivityLog activity, Changes changes, Comments comments,
			CrewDirectory crews, People people) {
		this.store = store;
		this.issues = issues;
		this.activity = activity;
		this.changes = changes;
		this.comments = comments;
		this.crews = crews;
		this.people = people;
	}

	/**
	 * One run request per issue at a time: a second start while one waits or runs is 409
	 * (the request id is kept on the row until the run ends or the issue is stopped).
	 */
	@Transactional
	Map<String, Object> start(Scope scope, String crewRef, String identifier) {
		Issue issue = this.issues.lock(scope, crewRef, identifier);
		if (issue.runRequestId != null) {
			throw ProblemException.conflict("Issue was already started by another request");
		}
		if (issue.status != IssueStatus.BACKLOG && issue.status != IssueStatus.TODO) {
			throw ProblemException
				.badRequest("Only an issue in BACKLOG or TODO can be started; this one is " + issue.status);
		}
		if (issue.assigneeId == null) {
			throw ProblemException.badRequest("The issue has no assignee");
		}
		if (!People.AGENT.equals(issue.assigneeType)) {
			throw ProblemException.badRequest("Only an issue assigned to an agent can be started");
		}
		if (this.crews.agent(scope.workspaceId(), issue.assigneeId).isEmpty()) {
			throw ProblemException.badRequest("The assigned agent no longer exists; assign another one");
		}
		issue.runRequestId = Cuid.next();
		issue.touch();
		this.store.update(issue);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("request_id", issue.runRequestId);
		data.put("issue_id", issue.id);
		data.put("identifier", issue.identifier);
		data.put("crew_id", issue.crewId);
		data.put("agent_id", issue.assigneeId);
		data.put("title", issue.title);
		data.put("description", issue.description);
		data.put("priority", issue.priority.toUpperCase(Locale.ROOT));
		data.put("requested_by", scope.userId());
		this.changes.request("issue.run_requested", scope.workspaceId(), issue.id, scope.userId(), data,
				Set.of("request_id", "issue_id", "identifier", "crew_id", "agent_id", "requested_by"));
		return Map.of("status", issue.status.name(), "identifier", issue.identifier);
	}

	/** Cancels the issue's run (or its pending request) and the issue with it. */
	@Transactional
	Map<String, Object> stop(Scope scope, String crewRef, String identifier) {
		Issue issue = this.issues.lock(scope, crewRef, identifier);
		boolean running = issue.status == IssueStatus.IN_PROGRESS || issue.status == IssueStatus.REVIEW;
		if (!running && issue.runRequestId == null) {
			throw ProblemException
				.badRequest("Only an issue in IN_PROGRESS or REVIEW can be stopped; this one is " + issue.status);
		}
		IssueStatus previous = issue.status;
		issue.moveTo(IssueStatus.CANCELLED);
		issue.runRequestId = null;
		issue.touch();
		this.store.update(issue);
		this.activity.byUser(issue.id, scope.userId(), "status_changed", previous + " -> CANCELLED (stopped)");
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("request_id", Cuid.next());
		data.put("issue_id", issue.id);
		data.put("requested_by", scope.userId());
		this.changes.request("issue.stop_requested", scope.workspaceId(), issue.id, scope.userId(), data,
				data.keySet());
		this.changes.record("issue.updated", scope.workspaceId(), "issue", issue.id, scope.userId(),
				IssueService.event(issue));
		return Map.of("status", issue.status.name(), "identifier", issue.identifier);
	}

	@Transactional
	Map<String, Object> review(Scope scope, String crewRef, String identifier, Review request) {
		String action = (request.action() != null) ? request.action().trim() : "";
		if (!action.equals("approve") && !action.equals("request_changes")) {
			throw ProblemException.badRequest("action must be approve or request_changes");
		}
		Issue issue = this.issues.lock(scope, crewRef, identifier);
		if (issue.status != IssueStatus.REVIEW && issue.status != IssueStatus.IN_PROGRESS) {
			throw ProblemException
				.badRequest("Only an issue in REVIEW or IN_PROGRESS can be reviewed; this one is " + issue.status);
		}
		IssueStatus previous = issue.status;
		String comment = (request.comment() != null && !request.comment().isBlank()) ? request.comment().trim() : null;
		if (action.equals("approve")) {
			issue.moveTo(IssueStatus.DONE);
			this.activity.byUser(issue.id, scope.userId(), "review_approved", previous + " -> DONE");
		}
		else {
			String reassign = (request.reassignTo() != null && !request.reassignTo().isBlank())
					? request.reassignTo().trim() : null;
			if (reassign != null) {
				Agent agent = this.crews.agent(scope.workspaceId(), reassign)
					.orElseThrow(() -> ProblemException.badRequest("reassign_to names no agent of this workspace"));
				if (!agent.id().equals(issue.assigneeId)) {
					this.activity.byUser(issue.id, scope.userId(), "assignee_changed",
							name(scope, issue.assigneeType, issue.assigneeId) + " -> " + agent.name());
				}
				issue.assigneeType = People.AGENT;
				issue.assigneeId = agent.id();
			}
			issue.moveTo(IssueStatus.TODO);
			this.activity.byUser(issue.id, scope.userId(), "review_changes_requested",
					previous + " -> TODO" + ((comment != null) ? ": " + abbreviate(comment) : ""));
		}
		issue.runRequestId = null;
		issue.touch();
		this.store.update(issue);
		if (comment != null || action.equals("approve")) {
			this.comments.add(scope, issue, (comment != null) ? comment : "Approved");
		}
		this.changes.record("issue.updated", scope.workspaceId(), "issue", issue.id, scope.userId(),
				IssueService.event(issue));
		return Map.of("status", "ok", "action", action);
	}

	// --- what mission-service's runs do to an issue

	/**
	 * The run started: a BACKLOG or TODO issue moves to IN_PROGRESS
	 * ({@code issue.started} and {@code issue.updated}). Called with the run's projection
	 * row already written, in the same transaction.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void runStarted(String workspaceId, String issueId, String agentId) {
		Issue issue = this.store.byId(workspaceId, issueId, true).orElse(null);
		if (issue == null || (issue.status != IssueStatus.BACKLOG && issue.status != IssueStatus.TODO)) {
			return;
		}
		IssueStatus previous = issue.status;
		issue.moveTo(IssueStatus.IN_PROGRESS);
		issue.touch();
		this.store.update(issue);
		this.activity.record(issue.id, People.AGENT, agentId, "status_changed",
				previous + " -> IN_PROGRESS (run started)");
		Map<String, Object> started = new LinkedHashMap<>();
		started.put("id", issue.id);
		started.put("identifier", issue.identifier);
		started.put("status", issue.status.name());
		started.put("crew_id", issue.crewId);
		this.changes.record("issue.started", workspaceId, "issue", issue.id, null, started);
		this.changes.record("issue.updated", workspaceId, "issue", issue.id, null, IssueService.event(issue));
	}

	/**
	 * The run ended: its outcome is logged on the issue, and an issue still IN_PROGRESS
	 * moves to REVIEW (completed), FAILED (failed, timed out) or CANCELLED. The pending
	 * request is cleared, so the issue can be started again.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void runEnded(String workspaceId, String issueId, String agentId, String runStatus, String error) {
		Issue issue = this.store.byId(workspaceId, issueId, true).orElse(null);
		if (issue == null) {
			return;
		}
		boolean completed = runStatus.equals("COMPLETED");
		boolean cancelled = runStatus.equals("CANCELLED");
		if (!cancelled) {
			this.activity.record(issue.id, People.AGENT, agentId, completed ? "task_completed" : "task_failed",
					completed ? "run completed" : "run " + runStatus.toLowerCase(Locale.ROOT)
							+ ((error != null && !error.isBlank()) ? ": " + abbreviate(error) : ""));
		}
		boolean changed = issue.runRequestId != null;
		issue.runRequestId = null;
		if (issue.status == IssueStatus.IN_PROGRESS) {
			IssueStatus next = completed ? IssueStatus.REVIEW : cancelled ? IssueStatus.CANCELLED : IssueStatus.FAILED;
			issue.moveTo(next);
			this.activity.record(issue.id, People.AGENT, agentId, "status_changed",
					"IN_PROGRESS -> " + next + " (run " + runStatus.toLowerCase(Locale.ROOT) + ")");
			changed = true;
		}
		if (changed) {
			issue.touch();
			this.store.update(issue);
			this.changes.record("issue.updated", workspaceId, "issue", issue.id, null, IssueService.event(issue));
		}
	}

	private String name(Scope scope, String type, String id) {
		if (id == null) {
			return "unassigned";
		}
		String name = this.people.name(scope.workspaceId(), type, id);
		return (name != null) ? name : id;
	}

	private static String abbreviate(String text) {
		return (text.length() <= 200) ? text : text.substring(0, 200) + "…";
	}

}
