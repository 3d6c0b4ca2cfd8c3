package crewship.mission.engine;

/**
 * How a runtime's work ended. A runtime reports a provider that failed for good as
 * {@code failed(reason)}, never by throwing; interruption ends in
 * {@link InterruptedException}.
 *
 * @param runtime the runtime that ran it ({@code local}, {@code anthropic},
 * {@code openai}, …)
 */
public record RunOutcome(boolean succeeded, String text, String error, String runtime, String provider, String model,
		long inputTokens, long outputTokens, double costUsd) {

	public static RunOutcome completed(String text, String runtime, String provider, String model, long inputTokens,
			long outputTokens, double costUsd) {
		return new RunOutcome(true, text, null, runtime, provider, model, inputTokens, outputTokens, costUsd);
	}

	public static RunOutcome failed(String error, String runtime, String provider, String model) {
		return new RunOutcome(false, null, error, runtime, provider, model, 0, 0, 0);
	}

}
