package crewship.issue.issues;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * The workspace list's filters and sort, checked: comma-separated statuses and priorities
 * must be known values, the sort one of the page's columns (400 otherwise).
 */
public record IssueQuery(String workspaceId, List<String> statuses, List<String> priorities, String projectId,
		String crewId, String assigneeId, String label, String search, String sort, PageParams page) {

	static final Map<String, String> ORDER = Map.of("created_at", "i.created_at desc, i.id desc", "updated_at",
			"i.updated_at desc, i.id desc", "priority",
			"case i.priority when 'urgent' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end,"
					+ " i.created_at desc, i.id desc",
			"sort_order", "i.sort_order asc, i.created_at asc, i.id asc");

	/** Parses the query string's values; blank means "no filter". */
	public static IssueQuery of(String workspaceId, String status, String priority, String projectId, String crewId,
			String assigneeId, String label, String search, String sort, PageParams page) {
		List<String> statuses = split(status).stream().map(value -> IssueStatus.parse("status", value).name()).toList();
		List<String> priorities = split(priority).stream().map(value -> Priority.parse("priority", value)).toList();
		String order = (sort == null || sort.isBlank()) ? "created_at" : sort.trim();
		if (!ORDER.containsKey(order)) {
			throw ProblemException.badRequest("sort must be one of created_at, updated_at, priority, sort_order");
		}
		if (search != null && search.length() > 200) {
			throw ProblemException.badRequest("search is at most 200 characters");
		}
		return new IssueQuery(workspaceId, statuses, priorities, blankToNull(projectId), blankToNull(crewId),
				blankToNull(assigneeId), blankToNull(label), blankToNull(search), order, page);
	}

	String orderBy() {
		return ORDER.get(this.sort);
	}

	private static List<String> split(String values) {
		if (values == null || values.isBlank()) {
			return List.of();
		}
		return new ArrayList<>(Arrays.stream(values.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList());
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
