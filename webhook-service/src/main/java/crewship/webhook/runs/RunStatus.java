package crewship.webhook.runs;

import crewship.webhook.deliveries.Deliveries;

/**
 * A delivery record's status as a run status of the API: a delivery received or queued is
 * a run that is {@code PENDING} until the run executor advances it (to {@code RUNNING},
 * {@code COMPLETED}, {@code FAILED}, …, which are kept as they are).
 */
public final class RunStatus {

	public static final String PENDING = "PENDING";

	private RunStatus() {
	}

	public static String of(String recordStatus) {
		return switch (recordStatus) {
			case "RECEIVED", Deliveries.QUEUED -> PENDING;
			default -> recordStatus;
		};
	}

}
