package crewship.issue.issues;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import crewship.platform.web.ProblemException;

/** The issue status flow of the page's transition table. */
public enum IssueStatus {

	BACKLOG, TODO, IN_PROGRESS, REVIEW, DONE, FAILED, CANCELLED, DUPLICATE;

	private static final Map<IssueStatus, Set<IssueStatus>> ALLOWED = Map.of(BACKLOG,
			EnumSet.of(TODO, IN_PROGRESS, CANCELLED, DUPLICATE), TODO,
			EnumSet.of(IN_PROGRESS, BACKLOG, CANCELLED, DUPLICATE), IN_PROGRESS,
			EnumSet.of(REVIEW, DONE, FAILED, CANCELLED, TODO, DUPLICATE), REVIEW,
			EnumSet.of(DONE, TODO, IN_PROGRESS, FAILED, CANCELLED, DUPLICATE), DONE, EnumSet.of(BACKLOG), FAILED,
			EnumSet.of(BACKLOG, TODO, IN_PROGRESS), CANCELLED, EnumSet.of(BACKLOG, TODO), DUPLICATE,
			EnumSet.noneOf(IssueStatus.class));

	public boolean canMoveTo(IssueStatus next) {
		return ALLOWED.get(this).contains(next);
	}

	/** Whether reaching this status stamps {@code completed_at}. */
	public boolean completes() {
		return this == DONE || this == CANCELLED || this == DUPLICATE;
	}

	/**
	 * @throws ProblemException 400 naming the allowed statuses
	 */
	public static IssueStatus parse(String field, String value) {
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw ProblemException.badRequest(field + " must be one of " + Arrays.toString(values()));
		}
	}

	/**
	 * @throws ProblemException 400 when the page's table does not allow the move
	 */
	public void requireMoveTo(IssueStatus next) {
		if (!canMoveTo(next)) {
			throw ProblemException.badRequest("Invalid status transition " + this + " -> " + next);
		}
	}

}
