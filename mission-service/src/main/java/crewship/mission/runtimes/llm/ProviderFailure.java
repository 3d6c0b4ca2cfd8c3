package crewship.mission.runtimes.llm;

/**
 * A provider call that failed for good. The message is meant for the run's record and the
 * user: it never holds the key (provider error texts are redacted before they get here).
 */
public class ProviderFailure extends Exception {

	public ProviderFailure(String message) {
		super(message, null, false, false);
	}

}
