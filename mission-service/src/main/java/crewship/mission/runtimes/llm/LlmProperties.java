package crewship.mission.runtimes.llm;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The model providers the engine talks to ({@code crewship.mission.llm}). Keys of the
 * agents' runs come from the vault (the provider's {@code slot} bound to the agent);
 * {@code api-key} is the operator's own key, used only for the engine's one-shot
 * completions and auxiliary models, and comes from the environment only.
 *
 * @param env {@code CREWSHIP_ENV}; {@code production} turns "no credential bound" into a
 * failed run instead of the local runtime
 * @param defaultProvider the provider of an agent without {@code llm_provider}
 * @param providers by lower-case name ({@code anthropic}, {@code openai}, or any
 * OpenAI-compatible one the operator adds)
 * @param maxTokens the answer bound sent to the provider
 * @param firstByteTimeout how long a provider may take to start answering
 */
@ConfigurationProperties("crewship.mission.llm")
public record LlmProperties(@DefaultValue("development") String env, @DefaultValue("anthropic") String defaultProvider,
		Map<String, Provider> providers, @DefaultValue("4096") int maxTokens,
		@DefaultValue("5s") Duration connectTimeout, @DefaultValue("120s") Duration firstByteTimeout,
		@DefaultValue Retry retry, @DefaultValue Breaker breaker) {

	public LlmProperties {
		Map<String, Provider> byName = new LinkedHashMap<>();
		if (providers != null) {
			providers.forEach((name, provider) -> byName.put(name.toLowerCase(Locale.ROOT), provider));
		}
		providers = Map.copyOf(byName);
	}

	public boolean production() {
		return "production".equalsIgnoreCase(this.env);
	}

	/** The provider of that name (case-insensitive); null or blank → the default. */
	public Optional<Named> provider(String name) {
		String wanted = (name == null || name.isBlank()) ? this.defaultProvider : name;
		String key = wanted.trim().toLowerCase(Locale.ROOT);
		Provider provider = this.providers.get(key);
		return Optional.ofNullable(provider).map(p -> new Named(key, p));
	}

	/** A provider with its configured name. */
	public record Named(String name, Provider settings) {

		/** The name as agents and the vault spell it: {@code ANTHROPIC}. */
		public String upper() {
			return this.name.toUpperCase(Locale.ROOT);
		}

	}

	/**
	 * @param kind the wire protocol: {@code anthropic} (Messages API) or {@code openai}
	 * (chat completions)
	 * @param slot the vault slot an agent's key is bound to, e.g.
	 * {@code ANTHROPIC_API_KEY}
	 * @param apiKey the operator's key for completions and auxiliary models (environment
	 * only; may be empty)
	 * @param prices USD per million tokens by model (longest matching prefix), for the
	 * cost estimate
	 */
	public record Provider(@DefaultValue("openai") String kind, URI baseUrl, String defaultModel, String slot,
			String apiKey, Map<String, Price> prices) {

		public Provider {
			prices = (prices != null) ? Map.copyOf(prices) : Map.of();
		}

		public boolean anthropic() {
			return "anthropic".equalsIgnoreCase(this.kind);
		}

		public boolean hasApiKey() {
			return this.apiKey != null && !this.apiKey.isBlank();
		}

		/** The estimated cost; 0 for a model the price table does not know. */
		public double cost(String model, long inputTokens, long outputTokens) {
			if (model == null) {
				return 0;
			}
			Price best = null;
			int bestLength = -1;
			for (Map.Entry<String, Price> entry : this.prices.entrySet()) {
				if (model.startsWith(entry.getKey()) && entry.getKey().length() > bestLength) {
					best = entry.getValue();
					bestLength = entry.getKey().length();
				}
			}
			if (best == null) {
				return 0;
			}
			return (inputTokens * best.input() + outputTokens * best.output()) / 1_000_000d;
		}

		@Override
		public String toString() {
			return "Provider[" + this.kind + ", " + this.baseUrl + ", " + this.defaultModel + ", " + this.slot + "]";
		}

	}

	/** USD per million input and output tokens. */
	public record Price(double input, double output) {
	}

	/**
	 * Provider 429 and 5xx answers are retried: {@code maxAttempts} calls in all, the
	 * wait doubling from {@code initialBackoff} up to {@code maxBackoff}; a
	 * {@code Retry-After} is honoured up to {@code maxRetryAfter} (a longer one fails the
	 * run at once).
	 */
	public record Retry(@DefaultValue("4") int maxAttempts, @DefaultValue("500ms") Duration initialBackoff,
			@DefaultValue("8s") Duration maxBackoff, @DefaultValue("30s") Duration maxRetryAfter) {
	}

	/** One Resilience4j circuit breaker per provider. */
	public record Breaker(@DefaultValue("50") float failureRateThreshold, @DefaultValue("20") int slidingWindowSize,
			@DefaultValue("10") int minimumNumberOfCalls, @DefaultValue("30s") Duration waitInOpenState) {
	}

}
