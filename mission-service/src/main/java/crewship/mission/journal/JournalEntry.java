package crewship.mission.journal;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One journal entry on the wire ({@code journal.mdx}): ids only, never display strings;
 * optional fields are omitted when empty.
 *
 * @param ts RFC 3339 with milliseconds
 */
@JsonInclude(Include.NON_EMPTY)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JournalEntry(String id, String workspaceId, String crewId, String agentId, String missionId, String ts,
		String entryType, String severity, String priority, String actorType, String actorId, String summary,
		JsonNode payload, Map<String, String> refs, String traceId) {

}
