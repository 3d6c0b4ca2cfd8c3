package crewship.mission.runtimes.llm;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Provider settings pointing at a stand-in, with fast retries. */
final class Providers {

	private Providers() {
	}

	static LlmProperties at(String baseUrl, String env) {
		return at(baseUrl, env, new LlmProperties.Breaker(50, 20, 10, Duration.ofSeconds(30)));
	}

	static LlmProperties at(String baseUrl, String env, LlmProperties.Breaker breaker) {
		Map<String, LlmProperties.Price> anthropicPrices = Map.of("claude-sonnet-4",
				new LlmProperties.Price(3.0, 15.0));
		Map<String, LlmProperties.Price> openaiPrices = Map.of("gpt-4o-mini", new LlmProperties.Price(0.15, 0.6));
		return new LlmProperties(env, "anthropic",
				Map.of("anthropic",
						new LlmProperties.Provider("anthropic", URI.create(baseUrl), "claude-sonnet-4-5",
								"ANTHROPIC_API_KEY", null, anthropicPrices),
						"openai",
						new LlmProperties.Provider("openai", URI.create(baseUrl), "gpt-4o-mini", "OPENAI_API_KEY", null,
								openaiPrices)),
				1024, Duration.ofSeconds(2), Duration.ofSeconds(30),
				new LlmProperties.Retry(3, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(5)),
				breaker);
	}

}
