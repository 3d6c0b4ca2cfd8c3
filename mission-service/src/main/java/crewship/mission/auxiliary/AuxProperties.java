package crewship.mission.auxiliary;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The auxiliary models ({@code crewship.mission.auxiliary}): one assignment per slot, and
 * a {@code fallback} for every slot that sets no provider of its own.
 *
 * @param slots by slot id ({@code curator}, {@code behavior}, {@code memory_health},
 * {@code negative}, {@code run_summary})
 */
@ConfigurationProperties("crewship.mission.auxiliary")
public record AuxProperties(Assignment fallback, Map<String, Assignment> slots) {

	public AuxProperties {
		slots = (slots != null) ? Map.copyOf(new LinkedHashMap<>(slots)) : Map.of();
	}

	/**
	 * @param provider a provider of {@code crewship.mission.llm.providers}; blank = none
	 * @param model blank = the provider's default model
	 * @param timeout how long the slot's call may take; null = the slot's default
	 */
	public record Assignment(String provider, String model, Duration timeout) {

		boolean hasProvider() {
			return this.provider != null && !this.provider.isBlank();
		}

	}

}
