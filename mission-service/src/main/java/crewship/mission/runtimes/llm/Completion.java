package crewship.mission.runtimes.llm;

/**
 * What a provider answered in full.
 *
 * @param model the model the provider says answered (it may name a dated version of the
 * one asked for)
 */
public record Completion(String text, String model, long inputTokens, long outputTokens, String stopReason) {
}
