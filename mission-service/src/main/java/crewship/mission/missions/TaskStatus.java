package crewship.mission.missions;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import crewship.platform.web.ProblemException;

/** A task's status and the transitions {@code PATCH status} allows (the page's table). */
public enum TaskStatus {

	PENDING, BLOCKED, IN_PROGRESS, COMPLETED, FAILED, SKIPPED, AWAITING_APPROVAL;

	public Set<TaskStatus> allowed() {
		return switch (this) {
			case PENDING -> EnumSet.of(IN_PROGRESS, SKIPPED);
			case BLOCKED -> EnumSet.of(PENDING, SKIPPED);
			case IN_PROGRESS -> EnumSet.of(COMPLETED, FAILED, SKIPPED);
			default -> EnumSet.noneOf(TaskStatus.class);
		};
	}

	/** Whether a task depending on this one may start: done or deliberately skipped. */
	public boolean satisfies() {
		return this == COMPLETED || this == SKIPPED;
	}

	/** Whether the task's title, description and dependencies may still change. */
	public boolean editable() {
		return this == PENDING || this == BLOCKED;
	}

	public void requireTransition(TaskStatus target) {
		if (!allowed().contains(target)) {
			throw ProblemException.badRequest("Invalid task status transition from " + this + " to " + target
					+ (allowed().isEmpty() ? "" : " (allowed: " + allowed() + ")"));
		}
	}

	public static TaskStatus parse(String value) {
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw ProblemException.badRequest("Unknown task status: " + value);
		}
	}

}
