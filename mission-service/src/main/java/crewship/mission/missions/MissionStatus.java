package crewship.mission.missions;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import crewship.platform.web.ProblemException;

/**
 * A mission's status and the transitions a person may ask for (the page's table);
 * {@code RESUMING} is the engine's own claim while a resume resets failed tasks.
 */
public enum MissionStatus {

	PLANNING, IN_PROGRESS, REVIEW, COMPLETED, FAILED, CANCELLED, RESUMING;

	/** Where {@code PATCH status} may move a mission from here. */
	public Set<MissionStatus> allowed() {
		return switch (this) {
			case PLANNING -> EnumSet.of(IN_PROGRESS, CANCELLED);
			case IN_PROGRESS -> EnumSet.of(REVIEW, FAILED, CANCELLED);
			case REVIEW -> EnumSet.of(COMPLETED, IN_PROGRESS, FAILED, CANCELLED);
			default -> EnumSet.noneOf(MissionStatus.class);
		};
	}

	public boolean terminal() {
		return this == COMPLETED || this == FAILED || this == CANCELLED;
	}

	/** Whether the engine works the mission's tasks (started and not finished). */
	public boolean running() {
		return this == IN_PROGRESS || this == REVIEW || this == RESUMING;
	}

	/**
	 * @throws ProblemException 400 when the move is not one of the page's transitions
	 */
	public void requireTransition(MissionStatus target) {
		if (!allowed().contains(target)) {
			throw ProblemException.badRequest("Invalid status transition from " + this + " to " + target
					+ (allowed().isEmpty() ? "" : " (allowed: " + allowed() + ")"));
		}
	}

	/**
	 * @throws ProblemException 400 for a status that does not exist
	 */
	public static MissionStatus parse(String value) {
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw ProblemException.badRequest("Unknown mission status: " + value);
		}
	}

}
