package crewship.vault.keeper;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.stereotype.Service;

import crewship.platform.web.ProblemException;
import crewship.vault.probes.ProbeProperties;

/**
 * Judge discovery and smoke tests. Each dials an operator-supplied address, so each draws
 * on the instance-wide {@link ProbeBudget} first (429) and goes through the endpoint
 * fence; what went wrong is reported in the answer, not as a 5xx.
 */
@Service
class KeeperProbes {

	/** The synthetic request a smoke test asks the judge about: harmless and plain. */
	static final String SMOKE_PROMPT = """
			You are Keeper, the gatekeeper of an AI agent platform's credential vault. This is a connectivity test. \
			Answer only with JSON: {"decision":"ALLOW","reason":"smoke test","risk_score":1}.
			""";

	private final KeeperConfigs configs;

	private final KeeperAux aux;

	private final JudgeClient client;

	private final ProbeBudget budget;

	static final List<String> HOSTED = List.of("anthropic", "openai");

	private final ProbeProperties probeProperties;

	private final ApiKeys keys;

	KeeperProbes(KeeperConfigs configs, KeeperAux aux, JudgeClient client, ProbeBudget budget,
			ProbeProperties probeProperties, ApiKeys keys) {
		this.probeProperties = probeProperties;
		this.keys = keys;
		this.configs = configs;
		this.aux = aux;
		this.client = client;
		this.budget = budget;
	}

	record Suggestion(String url, String label) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ModelList(String endpoint, List<String> models, List<Suggestion> suggestions, String error) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Stage(String name, String label, boolean ok, String detail, Long latencyMs, Boolean skipped) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record TestResult(boolean ok, String endpoint, String model, List<Stage> stages, List<String> models,
			String decision) {
	}

	ModelList models(String workspaceId, String endpointParam) {
		KeeperConfigs.Judge judge = this.configs.judge(workspaceId);
		List<Suggestion> suggestions = new ArrayList<>();
		if (judge.endpoint() != null) {
			suggestions.add(new Suggestion(KeeperConfigs.redact(judge.endpoint()), "configured judge"));
		}
		URI endpoint;
		if (endpointParam != null && !endpointParam.isBlank()) {
			try {
				endpoint = KeeperConfigs.parseUrl(endpointParam);
			}
			catch (ProblemException ex) {
				return new ModelList(endpointParam.replaceAll("//[^/@]*@", "//" + KeeperConfigs.REDACTED + "@"),
						List.of(), suggestions, ex.getBody().getDetail());
			}
		}
		else if (judge.endpoint() != null) {
			endpoint = judge.endpoint();
		}
		else {
			return new ModelList("", List.of(), suggestions, "No judge endpoint is configured; pass endpoint=");
		}
		this.budget.spend();
		JudgeClient.Models models = this.client.models(endpoint, Duration.ofMillis(judge.timeoutMs()));
		return new ModelList(KeeperConfigs.redact(endpoint), models.models(), suggestions, models.error());
	}

	/** The saved judge, with the body's fields (when given) in place of its own. */
	TestResult testJudge(String workspaceId, String endpointOverride, String modelOverride) {
		KeeperConfigs.Judge judge = this.configs.judge(workspaceId);
		URI endpoint = judge.endpoint();
		String invalid = null;
		if (endpointOverride != null && !endpointOverride.isBlank()) {
			try {
				endpoint = KeeperConfigs.parseUrl(endpointOverride);
			}
			catch (ProblemException ex) {
				endpoint = null;
				invalid = ex.getBody().getDetail();
			}
		}
		String model = (modelOverride != null && !modelOverride.isBlank()) ? modelOverride.trim() : judge.model();
		return run(endpoint, invalid, model, Duration.ofMillis(judge.timeoutMs()));
	}

	/** One real evaluation on the slot's model; only the Ollama wire is dialled here. */
	TestResult probeSlot(String workspaceId, String slotName) {
		AuxSlot slot = AuxSlot.of(slotName);
		KeeperAux.Resolved resolved = this.aux.resolve(workspaceId, slot);
		if (resolved.model() == null || resolved.model().isBlank()) {
			throw ProblemException.badRequest("Slot " + slot.key + " has no model configured");
		}
		if (!KeeperConfigs.PROVIDER.equals(resolved.provider())) {
			if (resolved.credentialId() == null || resolved.credentialId().isBlank()) {
				throw ProblemException.badRequest("Slot " + slot.key + " uses " + resolved.provider()
						+ " but names no credential_id for its key");
			}
			return hosted(workspaceId, resolved.provider(), resolved.model(), resolved.credentialId(),
					Duration.ofMillis(resolved.timeoutMs()), Duration.ofMillis(resolved.timeoutMs()));
		}
		KeeperConfigs.Judge judge = this.configs.judge(workspaceId);
		if (judge.endpoint() == null) {
			throw ProblemException.badRequest("Slot " + slot.key + " uses ollama but no judge endpoint is configured");
		}
		return run(judge.endpoint(), null, resolved.model(), Duration.ofMillis(resolved.timeoutMs()));
	}

	/**
	 * An unsaved hosted judge: the key from a workspace credential, one verdict, and
	 * whether it came within the Keeper judge's latency budget.
	 */
	TestResult testHosted(String workspaceId, String provider, String model, String credentialId) {
		String p = (provider != null) ? provider.trim() : "";
		if (!HOSTED.contains(p)) {
			throw ProblemException.badRequest("provider must be one of " + HOSTED);
		}
		if (model == null || model.isBlank()) {
			throw ProblemException.badRequest("model is required");
		}
		Duration budget = Duration.ofMillis(this.configs.judge(workspaceId).timeoutMs());
		return hosted(workspaceId, p, model.trim(), credentialId, budget.plusSeconds(25), budget);
	}

	private TestResult hosted(String workspaceId, String provider, String model, String credentialId, Duration timeout,
			Duration latencyBudget) {
		URI base = this.probeProperties.providers().get(provider.toUpperCase(java.util.Locale.ROOT));
		String shown = (base != null) ? base.toString() : "";
		List<Stage> stages = new ArrayList<>();
		String key = null;
		String keyProblem;
		if (credentialId == null || credentialId.isBlank()) {
			keyProblem = "No server key for " + provider + " is configured; name a credential_id";
		}
		else {
			keyProblem = null;
			try {
				key = this.keys.open(workspaceId, credentialId.trim());
			}
			catch (ProblemException ex) {
				keyProblem = ex.getBody().getDetail();
			}
		}
		stages.add(new Stage("key", "Resolve the key", key != null, (key != null) ? "Key resolved" : keyProblem, null,
				null));
		if (key == null) {
			stages.add(skipped("verdict", "Returns a verdict"));
			stages.add(skipped("latency", "Within the Keeper latency budget"));
			return new TestResult(false, shown, model, stages, List.of(), null);
		}
		this.budget.spend();
		JudgeClient.Verdict verdict = this.client.hostedVerdict(provider, base, key, model, SMOKE_PROMPT, timeout);
		stages.add(new Stage("verdict", "Returns a verdict", verdict.ok(),
				verdict.ok() ? "verdict: " + verdict.decision() : verdict.error(), verdict.latencyMs(), null));
		boolean fast = verdict.ok() && verdict.latencyMs() <= latencyBudget.toMillis();
		stages.add(verdict.ok()
				? new Stage("latency", "Within the Keeper latency budget", fast,
						verdict.latencyMs() + " ms of " + latencyBudget.toMillis() + " ms", verdict.latencyMs(), null)
				: skipped("latency", "Within the Keeper latency budget"));
		return new TestResult(verdict.ok() && fast, shown, model, stages, List.of(), verdict.decision());
	}

	private TestResult run(URI endpoint, String invalid, String model, Duration timeout) {
		String shown = (endpoint != null) ? KeeperConfigs.redact(endpoint) : "";
		List<Stage> stages = new ArrayList<>();
		if (endpoint == null) {
			stages.add(new Stage("reach", "Reach the endpoint", false,
					(invalid != null) ? invalid : "No judge endpoint is configured", null, null));
			stages.add(skipped("model", "Model is available"));
			stages.add(skipped("verdict", "Returns a verdict"));
			return new TestResult(false, shown, model, stages, List.of(), null);
		}
		this.budget.spend();
		JudgeClient.Models reach = this.client.models(endpoint, timeout);
		stages.add(new Stage("reach", "Reach the endpoint", reach.ok(),
				reach.ok() ? "Answered with " + reach.models().size() + " model(s)" : reach.error(), reach.latencyMs(),
				null));
		if (!reach.ok()) {
			stages.add(skipped("model", "Model is available"));
			stages.add(skipped("verdict", "Returns a verdict"));
			return new TestResult(false, shown, model, stages, List.of(), null);
		}
		boolean available = model != null && (reach.models().contains(model)
				|| (!model.contains(":") && reach.models().contains(model + ":latest")));
		stages.add(new Stage("model", "Model is available", available,
				(model == null) ? "No judge model is configured"
						: available ? model + " is installed" : model + " is not among the endpoint's models",
				null, null));
		if (!available) {
			stages.add(skipped("verdict", "Returns a verdict"));
			return new TestResult(false, shown, model, stages, reach.models(), null);
		}
		JudgeClient.Verdict verdict = this.client.verdict(endpoint, model, SMOKE_PROMPT, timeout);
		stages.add(new Stage("verdict", "Returns a verdict", verdict.ok(),
				verdict.ok() ? "verdict: " + verdict.decision() : verdict.error(), verdict.latencyMs(), null));
		return new TestResult(verdict.ok(), shown, model, stages, reach.models(), verdict.decision());
	}

	private static Stage skipped(String name, String label) {
		return new Stage(name, label, false, "Skipped: an earlier stage failed", null, true);
	}

}
