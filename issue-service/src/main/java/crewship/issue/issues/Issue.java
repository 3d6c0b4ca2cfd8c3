package crewship.issue.issues;

import java.time.Instant;
import java.time.LocalDate;

import crewship.platform.ids.Timestamps;

/**
 * One issue row, the aggregate its changes go through: the status moves only along the
 * page's table, and reaching DONE, CANCELLED or DUPLICATE stamps {@code completed_at}.
 */
public class Issue {

	String id;

	String workspaceId;

	String crewId;

	int number;

	String identifier;

	String title;

	String description;

	IssueStatus status;

	String priority;

	String assigneeType;

	String assigneeId;

	String createdByType;

	String createdById;

	String authoredVia;

	LocalDate dueDate;

	double sortOrder;

	String leadAgentId;

	String projectId;

	String milestoneId;

	String parentIssueId;

	Integer estimate;

	String runRequestId;

	Instant createdAt;

	Instant updatedAt;

	Instant completedAt;

	public String id() {
		return this.id;
	}

	public String workspaceId() {
		return this.workspaceId;
	}

	public String crewId() {
		return this.crewId;
	}

	public String identifier() {
		return this.identifier;
	}

	public String title() {
		return this.title;
	}

	public String description() {
		return this.description;
	}

	public IssueStatus status() {
		return this.status;
	}

	public String priority() {
		return this.priority;
	}

	public String assigneeType() {
		return this.assigneeType;
	}

	public String assigneeId() {
		return this.assigneeId;
	}

	public String runRequestId() {
		return this.runRequestId;
	}

	/**
	 * Moves along the transition table. @return whether the status changed
	 * @throws crewship.platform.web.ProblemException 400 for a move the table forbids
	 */
	public boolean moveTo(IssueStatus next) {
		if (next == this.status) {
			return false;
		}
		this.status.requireMoveTo(next);
		this.status = next;
		this.completedAt = next.completes() ? Timestamps.now() : null;
		return true;
	}

	void touch() {
		this.updatedAt = Timestamps.now();
	}

}
