package crewship.mission.runtimes.llm;

import java.util.ArrayList;
import java.util.List;

import crewship.mission.agents.AgentProfile;
import crewship.mission.engine.RunOutcome;
import crewship.mission.engine.RunOutput;
import crewship.mission.engine.RuntimeRequest;
import crewship.mission.runs.NewRun.Turn;

/**
 * The {@code llm} runtime: the agent's persona and skills as the system prompt, the run's
 * conversation and prompt as the messages, streamed from the agent's provider with the
 * key the vault delivered for this run. The outcome records the model that answered, the
 * tokens and a cost estimate from the configured price table; it never holds the key.
 */
public class LlmRuntime {

	/** Bounds what of the persona goes to the provider. */
	static final int PERSONA_LIMIT = 8000;

	private final ProviderClient client;

	private final LlmProperties properties;

	public LlmRuntime(ProviderClient client, LlmProperties properties) {
		this.client = client;
		this.properties = properties;
	}

	public RunOutcome execute(RuntimeRequest request, RunOutput output, LlmProperties.Named provider, String apiKey)
			throws InterruptedException {
		AgentProfile agent = request.agent();
		String model = (agent.llmModel() != null && !agent.llmModel().isBlank()) ? agent.llmModel()
				: provider.settings().defaultModel();
		if (model == null || model.isBlank()) {
			return RunOutcome.failed("No model: agent " + agent.name() + " sets no llm_model and " + provider.name()
					+ " has no default model configured", provider.name(), provider.name(), null);
		}
		ChatRequest chat = new ChatRequest(model, systemPrompt(agent), messages(request), this.properties.maxTokens());
		try {
			Completion completion = this.client.stream(provider, chat, apiKey, output::text, output);
			String answered = (completion.model() != null) ? completion.model() : model;
			return RunOutcome.completed(completion.text(), provider.name(), provider.name(), answered,
					completion.inputTokens(), completion.outputTokens(),
					provider.settings().cost(answered, completion.inputTokens(), completion.outputTokens()));
		}
		catch (ProviderFailure ex) {
			output.log("error", "provider.failed", ex.getMessage());
			return RunOutcome.failed(ex.getMessage(), provider.name(), provider.name(), model);
		}
		catch (RuntimeException ex) {
			// an unexpected answer shape: a failed run, never an exception escaping
			String reason = provider.name() + " answered something this runtime could not read ("
					+ ex.getClass().getSimpleName() + ")";
			output.log("error", "provider.failed", reason);
			return RunOutcome.failed(reason, provider.name(), provider.name(), model);
		}
	}

	/**
	 * The persona (bounded; a one-liner from name and role without one) and the skills.
	 */
	static String systemPrompt(AgentProfile agent) {
		String persona = agent.persona();
		if (persona == null || persona.isBlank()) {
			// the agent_role of the events is upper case (WORKER, LEAD): as
			// crew-service's own
			// default persona, in lower case
			String role = (agent.role() != null && !agent.role().isBlank())
					? agent.role().toLowerCase(java.util.Locale.ROOT) : "agent";
			persona = "You are the " + role + " " + agent.name() + ".";
		}
		else if (persona.length() > PERSONA_LIMIT) {
			persona = persona.substring(0, PERSONA_LIMIT);
		}
		StringBuilder system = new StringBuilder(persona.strip());
		if (agent.skills() != null && !agent.skills().isEmpty()) {
			system.append("\n\nYour skills: ")
				.append(String.join(", ", agent.skills().stream().limit(100).toList()))
				.append('.');
		}
		return system.toString();
	}

	static List<ChatRequest.Message> messages(RuntimeRequest request) {
		List<ChatRequest.Message> turns = new ArrayList<>();
		if (request.conversation() != null) {
			for (Turn turn : request.conversation()) {
				turns.add(new ChatRequest.Message(turn.role(), turn.content()));
			}
		}
		String prompt = (request.prompt() != null && !request.prompt().isBlank()) ? request.prompt()
				: "(no instruction given)";
		turns.add(new ChatRequest.Message("user", prompt));
		return ProviderClient.alternate(turns);
	}

}
