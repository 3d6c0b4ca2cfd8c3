package crewship.issue.issues;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import crewship.issue.labels.LabelView;

/**
 * The issue object of the pages (the reference's {@code Issue}). Optional members the
 * schema types as plain strings or objects ({@code crew_name}, {@code created_by}) are
 * omitted rather than null; {@code routine_*} are omitted as no routine is ever bound.
 */
public record IssueView(String id, String workspaceId, String crewId,
		@JsonInclude(JsonInclude.Include.NON_NULL) String crewName,
		@JsonInclude(JsonInclude.Include.NON_NULL) String crewSlug, Integer number, String identifier, String title,
		String description, String status, String priority, String assigneeType, String assigneeId, String assigneeName,
		@JsonInclude(JsonInclude.Include.NON_NULL) Creator createdBy, String authoredVia, String dueDate,
		double sortOrder, String missionType, String leadAgentId, String projectId, String projectName,
		String milestoneId, String parentIssueId, Integer estimate, int subIssuesCount, int commentCount,
		List<LabelView> labels, Instant createdAt, Instant updatedAt, Instant completedAt) {

	public static final String MISSION_TYPE = "issue";

	/** Who created the issue; {@code name} resolved at read time. */
	public record Creator(String type, String id, @JsonInclude(JsonInclude.Include.NON_NULL) String name) {
	}

	/** The ids of the labels the row carries, before they are resolved. */
	List<String> labelIds() {
		return this.labels.stream().map(LabelView::id).toList();
	}

	IssueView withLabels(List<LabelView> labels) {
		return new IssueView(this.id, this.workspaceId, this.crewId, this.crewName, this.crewSlug, this.number,
				this.identifier, this.title, this.description, this.status, this.priority, this.assigneeType,
				this.assigneeId, this.assigneeName, this.createdBy, this.authoredVia, this.dueDate, this.sortOrder,
				this.missionType, this.leadAgentId, this.projectId, this.projectName, this.milestoneId,
				this.parentIssueId, this.estimate, this.subIssuesCount, this.commentCount, labels, this.createdAt,
				this.updatedAt, this.completedAt);
	}

}
