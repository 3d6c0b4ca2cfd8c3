package crewship.mission.runs;

/** {@code PENDING → RUNNING → COMPLETED | FAILED | CANCELLED | TIMEOUT}. */
public enum RunStatus {

	PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT;

	public boolean terminal() {
		return this != PENDING && this != RUNNING;
	}

}
