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
 * Serves a completion from the engine's provider configuration: the default provider
 * first, then any other configured one, each with the workspace's own API_KEY credential
 * of that provider (from the vault) or else the operator's key
 * ({@code CREWSHIP_<PROVIDER>_API_KEY}). The same client as the runs (retries, breaker),
 * its answer collected rather than streamed. No provider with a key → 503 naming what to
 * set; the provider failing → 502 with its reason.
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

	private final WorkspaceKeys workspaceKeys;

	Completions(ProviderClient client, LlmProperties properties, WorkspaceKeys workspaceKeys) {
		this.client = client;
		this.properties = properties;
		this.workspaceKeys = workspaceKeys;
	}

	/** The provider to ask and the key to ask it with (never in toString). */
	private record Choice(LlmProperties.Named provider, String key, String source) {

		@Override
		public String toString() {
			return "Choice[" + this.provider.name() + ", " + this.source + "]";
		}

	}

	CompletionController.CompletionResponse complete(CompletionController.CompletionRequest request)
			throws InterruptedException {
		Choice choice = choose(request.workspaceId());
		LlmProperties.Named provider = choice.provider();
		String model = (request.model() != null && !request.model().isBlank()) ? request.model()
				: provider.settings().defaultModel();
		int maxTokens = (request.maxTokens() != null) ? request.maxTokens() : this.properties.maxTokens();
		ChatRequest chat = new ChatRequest(model, request.system(),
				List.of(new ChatRequest.Message("user", request.prompt())), maxTokens);
		try {
			Completion completion = this.client.stream(provider, chat, choice.key(), chunk -> {
			}, QUIET);
			String answered = (completion.model() != null) ? completion.model() : model;
			double cost = provider.settings().cost(answered, completion.inputTokens(), completion.outputTokens());
			log.info("completion for {} in workspace {}: {} {} ({} key) in={} out={} cost_usd={}", request.purpose(),
					request.workspaceId(), provider.name(), answered, choice.source(), completion.inputTokens(),
					completion.outputTokens(), cost);
			return new CompletionController.CompletionResponse(completion.text(), provider.name(), answered,
					completion.inputTokens(), completion.outputTokens(), cost);
		}
		catch (ProviderFailure ex) {
			throw new ProblemException(HttpStatus.BAD_GATEWAY, "The model provider failed: " + ex.getMessage());
		}
	}

	private Choice choose(String workspaceId) {
		Set<String> order = new LinkedHashSet<>();
		order.add(this.properties.defaultProvider().toLowerCase(java.util.Locale.ROOT));
		order.addAll(this.properties.providers().keySet());
		List<String> keyless = new ArrayList<>();
		for (String name : order) {
			LlmProperties.Named provider = this.properties.provider(name).orElse(null);
			if (provider == null) {
				continue;
			}
			WorkspaceKeys.Key own = this.workspaceKeys.find(workspaceId, provider.upper()).orElse(null);
			if (own != null) {
				return new Choice(provider, own.value(), "workspace");
			}
			if (provider.settings().hasApiKey()) {
				return new Choice(provider, provider.settings().apiKey(), "operator");
			}
			keyless.add(provider.upper());
		}
		throw ProblemException.unavailable((keyless.isEmpty())
				? "No model provider is configured on this server (crewship.mission.llm.providers). Nothing was generated."
				: "No model provider key for this workspace: store an ACTIVE API_KEY credential with provider "
						+ String.join(" or ", keyless) + " in the vault, or have the operator set "
						+ String.join(" or ", keyless.stream().map(name -> "CREWSHIP_" + name + "_API_KEY").toList())
						+ ". Nothing was generated.",
				RETRY_AFTER);
	}

}
