package crewship.realtime.sessions;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A frame to a client: {@code {type, channel?, payload}}. An error names its channel, or
 * {@code ""} when it is about the connection rather than a conversation (the page's
 * addressed and unaddressed errors).
 */
public record ServerFrame(String type, @JsonInclude(JsonInclude.Include.NON_NULL) String channel, Object payload) {

	public static final ServerFrame PONG = new ServerFrame("pong", null, null);

	/** The reason under both {@code error} and {@code message}, as the page says. */
	public static ServerFrame error(String channel, String reason) {
		return new ServerFrame("error", (channel != null) ? channel : "", Map.of("error", reason, "message", reason));
	}

}
