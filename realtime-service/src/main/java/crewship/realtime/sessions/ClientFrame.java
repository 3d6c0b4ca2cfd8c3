package crewship.realtime.sessions;

import tools.jackson.databind.JsonNode;

/**
 * A frame from a client: {@code {type, channel?, payload?}}, and {@code token} on the
 * first-message {@code auth}.
 */
public record ClientFrame(String type, String channel, JsonNode payload, String token) {

}
