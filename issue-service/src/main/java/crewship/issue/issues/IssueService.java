package crewship.issue.issues;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.issue.activity.ActivityLog;
import crewship.issue.attachments.Blobs;
import crewship.issue.directory.CrewDirectory;
import crewship.issue.directory.CrewDirectory.Crew;
import crewship.issue.directory.People;
import crewship.issue.directory.People.Person;
import crewship.issue.issues.IssueRequests.BulkUpdate;
import crewship.issue.issues.IssueRequests.CreateIssue;
import crewship.issue.labels.Labels;
import crewship.issue.milestones.Milestones;
import crewship.issue.projects.Projects;
import crewship.issue.workspace.Changes;
import crewship.issue.workspace.Fields;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * Issues: the workspace list, reads by identifier, create (numbered {@code PREFIX-N} per
 * crew), partial update along the status table, delete, and the all-or-nothing bulk
 * update. Callers arrive scoped and authorised for the endpoint's action; every change is
 * written with its activity entries, its event and its audit record.
 */
@Service
public class IssueService {

	static final int TITLE_MAX = 500;

	/**
	 * A description travels in {@code issue.run_requested}: bounded so the event stays
	 * well under the broker's 1 MB record limit (an oversized record would stall the
	 * outbox).
	 */
	static final int DESCRIPTION_MAX = 100_000;

	static final int BULK_MAX = 100;

	static final int LABELS_MAX = 50;

	/**
	 * How long a create waits for a crew (or its LEAD) made a moment ago to reach the
	 * local copy.
	 */
	static final Duration PROJECTION_WAIT = Duration.ofSeconds(3);

	private final IssueStore store;

	private final CrewDirectory crews;

	private final People people;

	private final Labels labels;

	private final Projects projects;

	private final Milestones milestones;

	private final ActivityLog activity;

	private final Changes changes;

	private final TransactionTemplate transactions;

	private final Blobs blobs;

	IssueService(IssueStore store, CrewDirectory crews, People people, Labels labels, Projects projects,
			Milestones milestones, ActivityLog activity, Changes changes, Blobs blobs,
			PlatformTransactionManager transactionManager) {
		this.blobs = blobs;
		this.store = store;
		this.crews = crews;
		this.people = people;
		this.labels = labels;
		this.projects = projects;
		this.milestones = milestones;
		this.activity = activity;
		this.changes = changes;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	// --- reads

	@Transactional(readOnly = true)
	List<IssueView> list(Scope scope, IssueQuery query) {
		String crewId = query.crewId();
		if (crewId != null) {
			// the filter takes a crew's id or slug
			crewId = this.crews.crew(scope.workspaceId(), crewId).map(Crew::id).orElse(crewId);
		}
		return this.store
			.list(new IssueQuery(query.workspaceId(), query.statuses(), query.priorities(), query.projectId(), crewId,
					query.assigneeId(), query.label(), query.search(), query.sort(), query.page()));
	}

	/**
	 * An issue of the workspace by identifier or id, within a crew (id or slug) or, with
	 * a null crew, anywhere in the workspace.
	 * @throws ProblemException 404 when there is none; 409 when an identifier names
	 * issues of several crews (two crews may share a prefix): the crew-scoped path tells
	 * them apart
	 */
	@Transactional(readOnly = true)
	public Issue locate(Scope scope, String crewRef, String identifier) {
		return single(this.store.find(scope.workspaceId(), crewRef, identifier, false), identifier);
	}

	/** {@link #locate}, empty where that answers 404. */
	@Transactional(readOnly = true)
	public java.util.Optional<Issue> find(Scope scope, String crewRef, String identifier) {
		List<Issue> found = this.store.find(scope.workspaceId(), crewRef, identifier, false);
		return found.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(single(found, identifier));
	}

	/**
	 * {@link #locate}, with the row locked for a change (in the caller's transaction).
	 */
	@Transactional
	public Issue lock(Scope scope, String crewRef, String identifier) {
		return single(this.store.find(scope.workspaceId(), crewRef, identifier, true), identifier);
	}

	private static Issue single(List<Issue> found, String identifier) {
		if (found.isEmpty()) {
			throw ProblemException.notFound("Issue not found");
		}
		if (found.size() > 1) {
			throw ProblemException.conflict(identifier
					+ " names issues of more than one crew (their prefixes are equal); use /api/v1/crews/{crewId}/issues/"
					+ identifier);
		}
		return found.get(0);
	}

	@Transactional(readOnly = true)
	public IssueView view(Scope scope, String issueId) {
		return this.store.view(scope.workspaceId(), issueId)
			.orElseThrow(() -> ProblemException.notFound("Issue not found"));
	}

	@Transactional(readOnly = true)
	IssueView get(Scope scope, String crewRef, String identifier) {
		return view(scope, locate(scope, crewRef, identifier).id());
	}

	@Transactional(readOnly = true)
	List<IssueView> subIssues(Scope scope, String crewRef, String identifier, PageParams page) {
		Issue parent = locate(scope, crewRef, identifier);
		return this.store.children(scope.workspaceId(), parent.id(), page.limit(), page.offset());
	}

	// --- create

	/**
	 * Waits (outside any transaction) for the crew and its LEAD to be known locally, then
	 * writes the issue with the crew's next number.
	 */
	IssueView create(Scope scope, String crewRef, CreateIssue request) {
		if (request.title() == null || request.title().isBlank()) {
			throw ProblemException.badRequest("title is required");
		}
		String title = request.title().trim();
		if (title.length() > TITLE_MAX) {
			throw ProblemException.badRequest("title is at most " + TITLE_MAX + " characters");
		}
		if (request.description() != null && request.description().length() > DESCRIPTION_MAX) {
			throw ProblemException.badRequest("description is at most " + DESCRIPTION_MAX + " characters");
		}
		Crew crew = this.crews.awaitCrew(scope.workspaceId(), crewRef, PROJECTION_WAIT)
			.orElseThrow(() -> ProblemException.notFound("Crew not found"));
		String leadAgentId = this.crews.awaitLead(scope.workspaceId(), crew.id(), PROJECTION_WAIT)
			.orElseThrow(() -> ProblemException.badRequest("The crew has no LEAD agent; hire or create one first"))
			.id();
		String priority = (request.priority() != null && !request.priority().isBlank())
				? Priority.parse("priority", request.priority()) : "none";
		Person assignee = this.people.require(scope.workspaceId(), "assignee",
				Fields.trimmedOrNull(request.assigneeType()), Fields.trimmedOrNull(request.assigneeId()));
		LocalDate due = Fields.date("due_date", request.dueDate());
		String projectId = Fields.trimmedOrNull(request.projectId());
		if (projectId != null) {
			this.projects.requireInWorkspace(scope.workspaceId(), projectId);
		}
		String milestoneId = Fields.trimmedOrNull(request.milestoneId());
		if (milestoneId != null) {
			this.milestones.requireInWorkspace(scope.workspaceId(), milestoneId);
		}
		String parentId = Fields.trimmedOrNull(request.parentIssueId());
		if (parentId != null && this.store.byId(scope.workspaceId(), parentId, false).isEmpty()) {
			throw ProblemException.badRequest("parent_issue_id names no issue of this workspace");
		}
		requireNoRoutine(request.routineId(), request.routineInputs());
		List<String> labelIds = (request.labels() != null) ? request.labels() : List.of();
		if (labelIds.size() > LABELS_MAX) {
			throw ProblemException.badRequest("labels holds at most " + LABELS_MAX + " entries");
		}
		Set<String> checkedLabels = this.labels.requireAll(scope.workspaceId(), labelIds);
		return this.transactions.execute(status -> {
			Issue issue = new Issue();
			issue.id = Cuid.next();
			issue.workspaceId = scope.workspaceId();
			issue.crewId = crew.id();
			issue.title = title;
			issue.description = request.description();
			issue.status = IssueStatus.BACKLOG;
			issue.priority = priority;
			issue.assigneeType = (assignee != null) ? assignee.type() : null;
			issue.assigneeId = (assignee != null) ? assignee.id() : null;
			issue.createdByType = People.USER;
			issue.createdById = scope.userId();
			issue.authoredVia = "user_api";
			issue.dueDate = due;
			issue.leadAgentId = leadAgentId;
			issue.projectId = projectId;
			issue.milestoneId = milestoneId;
			issue.parentIssueId = parentId;
			issue.estimate = request.estimate();
			issue.createdAt = Timestamps.now();
			issue.updatedAt = issue.createdAt;
			// last, so the counter row is locked for as short a time as possible
			issue.number = this.store.nextNumber(crew.id());
			issue.identifier = crew.prefix() + "-" + issue.number;
			this.store.insert(issue);
			this.store.replaceLabels(issue.id, checkedLabels);
			this.activity.byUser(issue.id, scope.userId(), "created", issue.identifier + " created");
			this.changes.record("issue.created", scope.workspaceId(), "issue", issue.id, scope.userId(), event(issue));
			return view(scope, issue.id);
		});
	}

	// --- update

	@Transactional
	IssueView update(Scope scope, String crewRef, String identifier, JsonNode body) {
		if (body == null || !body.isObject()) {
			throw ProblemException.badRequest("The body must be a JSON object");
		}
		Issue issue = lock(scope, crewRef, identifier);
		boolean recognised = false;
		boolean changed = false;
		if (Fields.present(body, "title")) {
			recognised = true;
			String title = Fields.requiredText(body, "title", TITLE_MAX);
			changed |= !title.equals(issue.title);
			issue.title = title;
		}
		if (Fields.present(body, "description")) {
			recognised = true;
			String description = Fields.text(body, "description", DESCRIPTION_MAX, true);
			if (!Objects.equals(description, issue.description)) {
				this.activity.byUser(issue.id, scope.userId(), "description_changed",
						"description updated (" + length(issue.description) + " → " + length(description) + " chars)");
				issue.description = description;
				changed = true;
			}
		}
		if (Fields.present(body, "status")) {
			recognised = true;
			String value = Fields.text(body, "status", 32, false);
			IssueStatus previous = issue.status;
			if (value == null) {
				throw ProblemException.badRequest("status must not be null");
			}
			if (issue.moveTo(IssueStatus.parse("status", value))) {
				this.activity.byUser(issue.id, scope.userId(), "status_changed", previous + " -> " + issue.status);
				changed = true;
			}
		}
		if (Fields.present(body, "priority")) {
			recognised = true;
			String priority = Priority.parse("priority", Fields.text(body, "priority", 16, false));
			if (!priority.equals(issue.priority)) {
				this.activity.byUser(issue.id, scope.userId(), "priority_changed", issue.priority + " -> " + priority);
				issue.priority = priority;
				changed = true;
			}
		}
		if (Fields.present(body, "assignee_id") || Fields.present(body, "assignee_type")) {
			recognised = true;
			changed |= assign(scope, issue, body);
		}
		if (Fields.present(body, "due_date")) {
			recognised = true;
			LocalDate due = Fields.date("due_date", Fields.text(body, "due_date", 40, true));
			changed |= !Objects.equals(due, issue.dueDate);
			issue.dueDate = due;
		}
		if (Fields.present(body, "project_id")) {
			recognised = true;
			String projectId = Fields.trimmedOrNull(Fields.text(body, "project_id", 64, true));
			if (projectId != null) {
				this.projects.requireInWorkspace(scope.workspaceId(), projectId);
			}
			changed |= !Objects.equals(projectId, issue.projectId);
			issue.projectId = projectId;
		}
		if (Fields.present(body, "milestone_id")) {
			recognised = true;
			String milestoneId = Fields.trimmedOrNull(Fields.text(body, "milestone_id", 64, true));
			if (milestoneId != null) {
				this.milestones.requireInWorkspace(scope.workspaceId(), milestoneId);
			}
			changed |= !Objects.equals(milestoneId, issue.milestoneId);
			issue.milestoneId = milestoneId;
		}
		if (Fields.present(body, "estimate")) {
			recognised = true;
			Integer estimate = Fields.integer(body, "estimate");
			changed |= !Objects.equals(estimate, issue.estimate);
			issue.estimate = estimate;
		}
		if (Fields.present(body, "sort_order")) {
			recognised = true;
			Double order = Fields.number(body, "sort_order");
			if (order == null) {
				throw ProblemException.badRequest("sort_order must be a number");
			}
			changed |= order != issue.sortOrder;
			issue.sortOrder = order;
		}
		if (Fields.present(body, "parent_issue_id")) {
			recognised = true;
			changed |= reparent(scope, issue, Fields.trimmedOrNull(Fields.text(body, "parent_issue_id", 64, true)));
		}
		if (Fields.present(body, "labels")) {
			recognised = true;
			List<String> ids = Fields.strings(body, "labels", LABELS_MAX);
			changed |= this.store.replaceLabels(issue.id,
					this.labels.requireAll(scope.workspaceId(), (ids != null) ? ids : List.of()));
		}
		if (Fields.present(body, "routine_id") || Fields.present(body, "routine_inputs")) {
			recognised = true;
			requireNoRoutine(Fields.trimmedOrNull(Fields.text(body, "routine_id", 64, true)),
					body.get("routine_inputs"));
		}
		if (!recognised) {
			throw ProblemException.badRequest("No fields to update");
		}
		if (changed) {
			issue.touch();
			this.store.update(issue);
			this.changes.record("issue.updated", scope.workspaceId(), "issue", issue.id, scope.userId(), event(issue));
		}
		return view(scope, issue.id);
	}

	private boolean assign(Scope scope, Issue issue, JsonNode body) {
		String type = Fields.present(body, "assignee_type")
				? Fields.trimmedOrNull(Fields.text(body, "assignee_type", 8, true)) : null;
		String id = Fields.present(body, "assignee_id")
				? Fields.trimmedOrNull(Fields.text(body, "assignee_id", 64, true)) : issue.assigneeId;
		if (id == null) {
			type = null; // unassigning clears the type too
		}
		Person assignee = this.people.require(scope.workspaceId(), "assignee", type, id);
		String newType = (assignee != null) ? assignee.type() : null;
		String newId = (assignee != null) ? assignee.id() : null;
		if (Objects.equals(newType, issue.assigneeType) && Objects.equals(newId, issue.assigneeId)) {
			return false;
		}
		this.activity.byUser(issue.id, scope.userId(), "assignee_changed",
				describe(scope, issue.assigneeType, issue.assigneeId) + " -> " + describe(scope, newType, newId));
		issue.assigneeType = newType;
		issue.assigneeId = newId;
		return true;
	}

	private boolean reparent(Scope scope, Issue issue, String parentId) {
		if (Objects.equals(parentId, issue.parentIssueId)) {
			return false;
		}
		if (parentId != null) {
			if (parentId.equals(issue.id)) {
				throw ProblemException.badRequest("parent_issue_id cannot be the issue itself");
			}
			if (this.store.byId(scope.workspaceId(), parentId, false).isEmpty()) {
				throw ProblemException.badRequest("parent_issue_id names no issue of this workspace");
			}
			if (this.store.ancestors(parentId).contains(issue.id)) {
				throw ProblemException.badRequest("parent_issue_id would make the issue its own ancestor");
			}
		}
		this.activity.byUser(issue.id, scope.userId(), "parent_changed",
				((issue.parentIssueId != null) ? issue.parentIssueId : "none") + " -> "
						+ ((parentId != null) ? parentId : "none"));
		issue.parentIssueId = parentId;
		return true;
	}

	// --- delete

	/** Hard delete, only from BACKLOG or CANCELLED. */
	@Transactional
	void delete(Scope scope, String crewRef, String identifier) {
		Issue issue = lock(scope, crewRef, identifier);
		if (issue.status != IssueStatus.BACKLOG && issue.status != IssueStatus.CANCELLED) {
			throw ProblemException
				.badRequest("Only issues in BACKLOG or CANCELLED can be deleted; this one is " + issue.status);
		}
		this.blobs.releaseIssue(issue.workspaceId, issue.id);
		this.store.delete(issue.id);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", issue.id);
		data.put("identifier", issue.identifier);
		data.put("crew_id", issue.crewId);
		this.changes.record("issue.deleted", scope.workspaceId(), "issue", issue.id, scope.userId(), data);
	}

	// --- bulk

	/** One refused item of a bulk update. */
	record BulkError(String id, String detail) {
	}

	/**
	 * Applies one set of updates to up to 100 issues, all or nothing: any item that
	 * cannot take it (not found in the workspace, a transition the table forbids) refuses
	 * the whole request with a 400 naming each such item, and nothing is written.
	 * @return how many issues changed in at least one field
	 */
	@Transactional
	Map<String, Object> bulk(Scope scope, BulkUpdate request) {
		if (request.ids() == null || request.ids().isEmpty()) {
			throw ProblemException.badRequest("ids is required (1-" + BULK_MAX + " issue ids)");
		}
		if (request.ids().size() > BULK_MAX) {
			throw ProblemException.badRequest("ids holds at most " + BULK_MAX + " issue ids");
		}
		JsonNode updates = request.updates();
		if (updates == null || !updates.isObject()) {
			throw ProblemException.badRequest("updates must be an object");
		}
		IssueStatus status = updates.hasNonNull("status")
				? IssueStatus.parse("updates.status", Fields.text(updates, "status", 32, false)) : null;
		String priority = updates.hasNonNull("priority")
				? Priority.parse("updates.priority", Fields.text(updates, "priority", 16, false)) : null;
		boolean assigning = updates.hasNonNull("assignee_id");
		Person assignee = assigning ? this.people.require(scope.workspaceId(), "assignee",
				Fields.trimmedOrNull(Fields.text(updates, "assignee_type", 8, true)),
				Fields.trimmedOrNull(Fields.text(updates, "assignee_id", 64, true))) : null;
		boolean linking = updates.has("project_id");
		String projectId = linking ? Fields.trimmedOrNull(Fields.text(updates, "project_id", 64, true)) : null;
		if (projectId != null) {
			this.projects.requireInWorkspace(scope.workspaceId(), projectId);
		}
		List<String> labelIds = updates.hasNonNull("labels") ? Fields.strings(updates, "labels", LABELS_MAX) : null;
		Set<String> checkedLabels = (labelIds != null) ? this.labels.requireAll(scope.workspaceId(), labelIds) : null;

		Set<String> ids = new LinkedHashSet<>(request.ids());
		List<Issue> found = this.store.lockAll(scope.workspaceId(), ids);
		List<BulkError> errors = new ArrayList<>();
		Map<String, Issue> byId = new LinkedHashMap<>();
		found.forEach(issue -> byId.put(issue.id, issue));
		for (String id : ids) {
			Issue issue = byId.get(id);
			if (issue == null) {
				errors.add(new BulkError(id, "Issue not found"));
			}
			else if (status != null && status != issue.status && !issue.status.canMoveTo(status)) {
				errors.add(new BulkError(id, "Invalid status transition " + issue.status + " -> " + status));
			}
		}
		if (!errors.isEmpty()) {
			ProblemException refused = ProblemException.badRequest(
					errors.size() + " of " + ids.size() + " issues cannot take this update; nothing was changed");
			refused.getBody().setProperty("errors", errors);
			throw refused;
		}
		int updated = 0;
		List<String> changedIds = new ArrayList<>();
		for (String id : ids) {
			Issue issue = byId.get(id);
			boolean changed = false;
			if (status != null) {
				IssueStatus previous = issue.status;
				if (issue.moveTo(status)) {
					this.activity.byUser(issue.id, scope.userId(), "status_changed",
							previous + " -> " + status + " (bulk)");
					changed = true;
				}
			}
			if (priority != null && !priority.equals(issue.priority)) {
				this.activity.byUser(issue.id, scope.userId(), "priority_changed",
						issue.priority + " -> " + priority + " (bulk)");
				issue.priority = priority;
				changed = true;
			}
			String newType = (assignee != null) ? assignee.type() : null;
			String newId = (assignee != null) ? assignee.id() : null;
			if (assigning
					&& (!Objects.equals(newType, issue.assigneeType) || !Objects.equals(newId, issue.assigneeId))) {
				this.activity.byUser(issue.id, scope.userId(), "assignee_changed",
						describe(scope, issue.assigneeType, issue.assigneeId) + " -> " + describe(scope, newType, newId)
								+ " (bulk)");
				issue.assigneeType = newType;
				issue.assigneeId = newId;
				changed = true;
			}
			if (linking && !Objects.equals(projectId, issue.projectId)) {
				issue.projectId = projectId;
				changed = true;
			}
			if (checkedLabels != null) {
				changed |= this.store.replaceLabels(issue.id, checkedLabels);
			}
			if (changed) {
				issue.touch();
				this.store.update(issue);
				updated++;
				changedIds.add(issue.id);
			}
		}
		if (updated > 0) {
			this.changes.record("issues.bulk_updated", scope.workspaceId(), "issue", scope.workspaceId(),
					scope.userId(), Map.of("count", updated, "ids", changedIds));
		}
		return Map.of("updated", updated);
	}

	// --- shared

	/** The data of an {@code issue.*} event: enough for a board to refresh the card. */
	static Map<String, Object> event(Issue issue) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", issue.id);
		data.put("identifier", issue.identifier);
		data.put("status", issue.status.name());
		data.put("crew_id", issue.crewId);
		return data;
	}

	private String describe(Scope scope, String type, String id) {
		if (id == null) {
			return "unassigned";
		}
		String name = this.people.name(scope.workspaceId(), type, id);
		return (name != null) ? name : id;
	}

	private static int length(String text) {
		return (text != null) ? text.length() : 0;
	}

	/**
	 * No routine (pipeline) registry exists in the suite yet, so no {@code routine_id}
	 * can name one in the workspace: the page's 400.
	 */
	private static void requireNoRoutine(String routineId, JsonNode routineInputs) {
		if (routineId != null && !routineId.isBlank()) {
			throw ProblemException.badRequest("routine_id names no routine of this workspace");
		}
		if (routineInputs != null && !routineInputs.isNull()
				&& !(routineInputs.isObject() && routineInputs.isEmpty())) {
			throw new ProblemException(HttpStatus.BAD_REQUEST, "routine_inputs needs a routine_id");
		}
	}

}
