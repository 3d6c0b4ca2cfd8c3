package crewship.issue.projects;

import java.time.Instant;

/** The project shape of the page, with its computed rollup. */
public record ProjectView(String id, String workspaceId, String name, String slug, String description, String icon,
		String color, String status, String priority, String health, String leadType, String leadId, String leadName,
		String startDate, String targetDate, Instant createdAt, Instant updatedAt, int issueCount, int doneCount,
		int progress) {

}
