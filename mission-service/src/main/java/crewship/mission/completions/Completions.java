package crewship.mission.completions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import crewship.mission.engine.RunOutput;
import crewship.mission.runtimes.llm.ChatRequest;
import crewship.mission.runtimes.llm.Completion;
import crewship.mission.runtimes.llm.LlmProperties;
import crewship.mission.runtimes.llm.ProviderClient;
import crewship.mission.runtimes.llm.ProviderFailure;
import crewship.platform.web.ProblemException;

/**
 * Serves a completion from the engine's provider configuration with the operator's key
 * ({@code CREWSHIP_<PROVIDER>_API_KEY}): the default provider first, then any other
 * configured one that has a key. The same client as the runs (retries, breaker), its
 * answer collected rather than streamed. No provider with a key → 503 naming what to set;
 * the provider failing → 502 with its reason.
 */
@Service
class Completions {

	static final Duration RETRY_AFTER = Duration.ofSeconds(30);

	private static final Logger log = LoggerFactory.getLogger(Completions.class);

	private static final RunOutput QUIET = new RunOutput() {

		@Override
		public void text(String chunk) {
		}

		@Override
		public void log(String level, String event, String content) {
			log.info("completion {}: {}", event, content);
		}

	};

	private final ProviderClient client;

	private final LlmProperties properties;

	Completions(ProviderClient client, LlmProperties properties) {
		this.client = client;
		this.properties = properties;
	}

	CompletionController.CompletionResponse complete(CompletionController.CompletionRequest request)
			throws InterruptedException {
		LlmProperties.Named provider = provider();
		String model = (request.model() != null && !request.model().isBlank()) ? request.model()
				: provider.settings().defaultModel();
		int maxTokens = (request.maxTokens() != null) ? request.maxTokens() : this.properties.maxTokens();
		ChatRequest chat = new ChatRequest(model, request.system(),
				List.of(new ChatRequest.Message("user", request.prompt())), maxTokens);
		try {
			Completion completion = this.client.stream(provider, chat, provider.settings().apiKey(), chunk -> {
			}, QUIET);
			String answered = (completion.model() != null) ? completion.model() : model;
			double cost = provider.settings().cost(answered, completion.inputTokens(), completion.outputTokens());
			log.info("completion for {} in workspace {}: {} {} in={} out={} cost_usd={}", request.purpose(),
					request.workspaceId(), provider.name(), answered, completion.inputTokens(),
					completion.outputTokens(), cost);
			return new CompletionController.CompletionResponse(completion.text(), provider.name(), answered,
					completion.inputTokens(), completion.outputTokens(), cost);
		}
		catch (ProviderFailure ex) {
			throw new ProblemException(HttpStatus.BAD_GATEWAY, "The model provider failed: " + ex.getMessage());
		}
	}

	private LlmProperties.Named provider() {
		Set<String> order = new LinkedHashSet<>();
		order.add(this.properties.defaultProvider().toLowerCase(java.util.Locale.ROOT));
		order.addAll(this.properties.providers().keySet());
		List<String> keyless = new ArrayList<>();
		for (String name : order) {
			LlmProperties.Named provider = this.properties.provider(name).orElse(null);
			if (provider == null) {
				continue;
			}
			if (provider.settings().hasApiKey()) {
				return provider;
			}
			keyless.add("CREWSHIP_" + provider.upper() + "_API_KEY");
		}
		throw ProblemException.unavailable("No model provider is configured for completions on this server: set "
				+ (keyless.isEmpty() ? "a provider (crewship.mission.llm.providers)" : String.join(" or ", keyless))
				+ ". Nothing was generated.", RETRY_AFTER);
	}

}
