package crewship.mission.runtimes.llm;

import crewship.mission.agents.AgentProfile;
import crewship.mission.engine.AgentRuntime;
import crewship.mission.engine.RunOutcome;
import crewship.mission.engine.RunOutput;
import crewship.mission.engine.RuntimeRequest;

/**
 * The engine's one {@link AgentRuntime}: an agent whose provider key the vault delivers
 * runs on the {@code llm} runtime; one without runs on the {@code local} runtime in a dev
 * suite, and in production ({@code CREWSHIP_ENV=production}) fails with a reason that
 * says how to bind a key — a production run never quietly answers from a stand-in. A
 * vault that cannot say (down, or busy past the lookup's retries) fails the run
 * everywhere.
 */
public class RuntimeRouter implements AgentRuntime {

	private final LlmRuntime llm;

	private final ProviderCredentials credentials;

	private final LlmProperties properties;

	private final AgentRuntime local;

	public RuntimeRouter(LlmRuntime llm, ProviderCredentials credentials, LlmProperties properties,
			AgentRuntime local) {
		this.llm = llm;
		this.credentials = credentials;
		this.properties = properties;
		this.local = local;
	}

	@Override
	public RunOutcome execute(RuntimeRequest request, RunOutput output) throws InterruptedException {
		AgentProfile agent = request.agent();
		LlmProperties.Named provider = this.properties.provider(agent.llmProvider()).orElse(null);
		String wanted = (agent.llmProvider() != null && !agent.llmProvider().isBlank()) ? agent.llmProvider()
				: this.properties.defaultProvider();
		if (provider == null) {
			return withoutKey(request, output, wanted,
					"agent " + agent.name() + "'s llm_provider " + wanted
							+ " is not configured on this server (configured: "
							+ String.join(", ", this.properties.providers().keySet()) + ")");
		}
		ProviderCredentials.Lookup lookup = this.credentials.find(request.workspaceId(), agent.id(), request.runId(),
				provider);
		return switch (lookup) {
			case ProviderCredentials.Key key -> this.llm.execute(request, output, provider, key.value());
			case ProviderCredentials.None none -> withoutKey(request, output, provider.upper(),
					"agent " + agent.name() + " has no " + provider.upper() + " credential bound"
							+ (none.skipped() ? " that the vault can deliver (the bound one is not ACTIVE)" : "")
							+ "; bind one with `crewship credential bind <credential> --slot "
							+ ProviderCredentials.slot(provider) + " --agent " + slugOrId(agent) + "`");
			// not "no key": the agent may well have one, and a run that should have
			// reached
			// the provider must not quietly answer from the stand-in, in any environment
			case ProviderCredentials.Unavailable unavailable -> failed(output, provider.upper(),
					"no " + provider.upper() + " key for agent " + agent.name() + ": " + unavailable.why());
		};
	}

	private RunOutcome withoutKey(RuntimeRequest request, RunOutput output, String provider, String reason)
			throws InterruptedException {
		if (this.properties.production()) {
			return failed(output, provider, reason);
		}
		output.log("info", "runtime.local", reason + "; running the local runtime (development only)");
		return this.local.execute(request, output);
	}

	private static RunOutcome failed(RunOutput output, String provider, String reason) {
		output.log("error", "runtime.unavailable", reason);
		String name = provider.toLowerCase(java.util.Locale.ROOT);
		return RunOutcome.failed(reason, name, name, null);
	}

	private static String slugOrId(AgentProfile agent) {
		return (agent.slug() != null && !agent.slug().isBlank()) ? agent.slug() : agent.id();
	}

}
