package crewship.mission.journal;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * An entry to append, before the journal gives it an id, a sequence number and its place
 * in the chain.
 *
 * @param eventId what makes the append idempotent: the domain event's id (or a derived id
 * for a second entry of one event)
 * @param payload the typed payload (an object), or null
 * @param refs cross-entry links and the source event, or empty
 * @param costUsd the spend this entry records (run events' {@code cost_usd}), or null
 */
public record NewEntry(String eventId, String workspaceId, Instant ts, String entryType, String severity,
		String actorType, String actorId, String crewId, String agentId, String missionId, String traceId,
		String summary, JsonNode payload, Map<String, String> refs, BigDecimal costUsd) {

	/** The entry's one-liner, bounded. */
	public static String bounded(String summary) {
		String text = (summary != null) ? summary.replace('\u0000', ' ').strip() : "";
		return (text.length() > 500) ? text.substring(0, 499) + "…" : text;
	}

}
