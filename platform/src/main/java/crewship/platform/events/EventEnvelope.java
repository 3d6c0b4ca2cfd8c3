package crewship.platform.events;

import java.time.Instant;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The one shape of every event on Kafka. {@code type} is the WebSocket event name
 * ({@code crew.created}, …) — never a Java class name; {@code subject} is the aggregate
 * id and the record key, so one aggregate's events stay ordered on one partition. Field
 * names are snake_case on the wire whatever the reader's JSON settings.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EventEnvelope(String id, String type, String workspaceId, String subject, String actor, Instant time,
		JsonNode data) {

}
