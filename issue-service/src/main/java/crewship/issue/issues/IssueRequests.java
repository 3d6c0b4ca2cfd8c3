package crewship.issue.issues;

import java.util.List;

import tools.jackson.databind.JsonNode;

/** The request bodies of the issue endpoints that are not partial updates. */
final class IssueRequests {

	private IssueRequests() {
	}

	record CreateIssue(String title, String description, String priority, String assigneeType, String assigneeId,
			String dueDate, String projectId, Integer estimate, String parentIssueId, String milestoneId,
			List<String> labels, String routineId, JsonNode routineInputs) {
	}

	/**
	 * {@code updates} stays a tree: an empty string and an absent field mean different
	 * things.
	 */
	record BulkUpdate(List<String> ids, JsonNode updates) {
	}

	record Review(String action, String comment, String reassignTo) {
	}

}
