package crewship.mission.auxiliary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

import crewship.mission.runtimes.llm.LlmProperties;

/**
 * Which model each auxiliary subsystem uses and whether it can run: the slot's own
 * assignment ({@code explicit}), else the fallback ({@code fallback}), else none
 * ({@code unconfigured}). {@code healthy} means the provider is configured and the
 * operator's key for it is set; hosted providers are never dialled for this (a status
 * page must not bill an API call), so {@code reachable} is left out.
 */
@Service
@EnableConfigurationProperties(AuxProperties.class)
public class AuxStatus {

	/** The slots, with their labels and default timeouts (the spec's table). */
	enum Slot {

		CURATOR("curator", "Skill review + memory consolidation", Duration.ofSeconds(30)),
		BEHAVIOR("behavior", "Tool-call behaviour monitor", Duration.ofSeconds(8)),
		MEMORY_HEALTH("memory_health", "Memory-health audit", Duration.ofSeconds(15)),
		NEGATIVE("negative", "Failure → lessons extraction", Duration.ofSeconds(5)),
		RUN_SUMMARY("run_summary", "Run summary verdicts", Duration.ofSeconds(15));

		final String id;

		final String label;

		final Duration timeout;

		Slot(String id, String label, Duration timeout) {
			this.id = id;
			this.label = label;
			this.timeout = timeout;
		}

	}

	/** One subsystem as {@code GET /api/v1/system/aux-status} lists it. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Subsystem(String id, String label, String provider, String model, Long timeoutMs, String source,
			boolean healthy, String detail) {
	}

	public record Report(List<Subsystem> subsystems) {
	}

	private final AuxProperties aux;

	private final LlmProperties llm;

	AuxStatus(AuxProperties aux, LlmProperties llm) {
		this.aux = aux;
		this.llm = llm;
	}

	public Report report() {
		List<Subsystem> subsystems = new ArrayList<>();
		for (Slot slot : Slot.values()) {
			subsystems.add(resolve(slot));
		}
		return new Report(subsystems);
	}

	private Subsystem resolve(Slot slot) {
		AuxProperties.Assignment own = this.aux.slots().get(slot.id);
		AuxProperties.Assignment fallback = this.aux.fallback();
		AuxProperties.Assignment used;
		String source;
		if (own != null && own.hasProvider()) {
			used = own;
			source = "explicit";
		}
		else if (fallback != null && fallback.hasProvider()) {
			used = fallback;
			source = "fallback";
		}
		else {
			return new Subsystem(slot.id, slot.label, null, null, null, "unconfigured", false,
					"Neither crewship.mission.auxiliary.slots." + slot.id
							+ " nor crewship.mission.auxiliary.fallback names a provider");
		}
		String providerName = used.provider().trim().toLowerCase(Locale.ROOT);
		Duration timeout = (own != null && own.timeout() != null) ? own.timeout()
				: ((used.timeout() != null) ? used.timeout() : slot.timeout);
		LlmProperties.Named provider = this.llm.provider(providerName).orElse(null);
		if (provider == null) {
			return new Subsystem(slot.id, slot.label, providerName, blankToNull(used.model()), timeout.toMillis(),
					source, false, "Provider " + providerName + " is not configured (crewship.mission.llm.providers)");
		}
		String model = (used.model() != null && !used.model().isBlank()) ? used.model()
				: provider.settings().defaultModel();
		if (!provider.settings().hasApiKey()) {
			return new Subsystem(slot.id, slot.label, providerName, model, timeout.toMillis(), source, false,
					"No operator key for " + providerName + ": set CREWSHIP_" + provider.upper() + "_API_KEY");
		}
		return new Subsystem(slot.id, slot.label, providerName, model, timeout.toMillis(), source, true, null);
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}
