package crewship.mission.engine;

/** Where a runtime streams what it produces, as it arrives. */
public interface RunOutput {

	/** A piece of the answer text (a token or a few). */
	void text(String chunk);

	/**
	 * A log line that is not answer text ({@code level} info/warn/error, {@code event}
	 * e.g. {@code provider.retry}); never a secret.
	 */
	void log(String level, String event, String content);

}
