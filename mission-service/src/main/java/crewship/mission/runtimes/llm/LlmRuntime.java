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
 * key the vault delivered for this run, with the agent's MCP tools ({@link AgentTools})
 * on offer: a tool the model asks for is called and its result handed back until the
 * model ends its turn. The outcome records the model that answered, the tokens and a cost
 * estimate from the configured price table; it never holds the key.
 */
public class LlmRuntime {

	/** Bounds what of the persona goes to the provider. */
	static final int PERSONA_LIMIT = 8000;

	private final ProviderClient client;

	private final LlmProperties properties;

	private final AgentTools tools;

	public LlmRuntime(ProviderClient client, LlmProperties properties) {
		this(client, properties, AgentTools.NONE);
	}

	public LlmRuntime(ProviderClient client, LlmProperties properties, AgentTools tools) {
		this.client = client;
		this.properties = properties;
		this.tools = tools;
	}

	/**
	 * Streams the answer; when the model asks for tools, calls them, hands their results
	 * back and streams again, until the model ends its turn. After
	 * {@link AgentTools#maxRounds()} rounds of tools the model is asked once more to
	 * answer without them. Tokens and cost add up over the rounds.
	 */
	public RunOutcome execute(RuntimeRequest request, RunOutput output, LlmProperties.Named provider, String apiKey)
			throws InterruptedException {
		AgentProfile agent = request.agent();
		String model = (agent.llmModel() != null && !agent.llmModel().isBlank()) ? agent.llmModel()
				: provider.settings().defaultModel();
		if (model == null || model.isBlank()) {
			return RunOutcome.failed("No model: agent " + agent.name() + " sets no llm_model and " + provider.name()
					+ " has no default model configured", provider.name(), provider.name(), null);
		}
		try (AgentTools.RunTools tools = this.tools.open(request, output)) {
			List<ChatRequest.Tool> offered = tools.tools();
			List<ChatRequest.Message> messages = new ArrayList<>(messages(request));
			StringBuilder text = new StringBuilder();
			String answered = model;
			long input = 0;
			long outputTokens = 0;
			double cost = 0;
			int maxRounds = Math.max(0, this.tools.maxRounds());
			for (int round = 0;; round++) {
				boolean toolsOff = round >= maxRounds;
				ChatRequest chat = new ChatRequest(model, systemPrompt(agent), messages, this.properties.maxTokens(),
						offered, toolsOff && !offered.isEmpty());
				Completion completion = this.client.stream(provider, chat, apiKey, output::text, output);
				answered = (completion.model() != null) ? completion.model() : answered;
				input += completion.inputTokens();
				outputTokens += completion.outputTokens();
				cost += provider.settings().cost(answered, completion.inputTokens(), completion.outputTokens());
				text.append(completion.text());
				if (completion.toolUses().isEmpty() || offered.isEmpty()) {
					return RunOutcome.completed(text.toString(), provider.name(), provider.name(), answered, input,
							outputTokens, cost);
				}
				if (toolsOff) {
					// asked to answer without tools and asked for them anyway: what it
					// said
					// is the answer
					output.log("warn", "mcp.rounds", "The model still asked for tools after the run's " + maxRounds
							+ " tool rounds; its answer ends here");
					if (text.isEmpty()) {
						return RunOutcome.failed("No answer within " + maxRounds + " tool rounds", provider.name(),
								provider.name(), answered);
					}
					return RunOutcome.completed(text.toString(), provider.name(), provider.name(), answered, input,
							outputTokens, cost);
				}
				messages.add(new ChatRequest.Message("assistant", completion.text(), completion.toolUses(), List.of()));
				List<ChatRequest.ToolResult> results = new ArrayList<>();
				for (ChatRequest.ToolUse use : completion.toolUses()) {
					results.add(tools.call(use));
				}
				if (round + 1 >= maxRounds) {
					output.log("warn", "mcp.rounds", "The run used its " + maxRounds
							+ " tool rounds; the model is asked to answer without further tools");
				}
				messages.add(new ChatRequest.Message("user", null, List.of(), results));
			}
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
