package crewship.realtime.channels;

import java.util.Optional;
import java.util.Set;

/**
 * A channel of the WebSocket page: {@code type:id} ({@code workspace:ws_1},
 * {@code session:chat_1}, …), or the bare {@code providers}.
 */
public record Channel(String type, String id) {

	public static final String WORKSPACE = "workspace";

	public static final String CREW = "crew";

	public static final String AGENT = "agent";

	public static final String MISSION = "mission";

	public static final String SESSION = "session";

	public static final String KEEPER = "keeper";

	public static final String FILES = "files";

	public static final String JOURNAL = "journal";

	public static final String USER = "user";

	public static final String PROVIDERS = "providers";

	private static final Set<String> WITH_ID = Set.of(WORKSPACE, CREW, AGENT, MISSION, SESSION, KEEPER, FILES, JOURNAL,
			USER);

	private static final int MAX_LENGTH = 200;

	/**
	 * @return the channel, or empty for a name that is no channel of the page
	 */
	public static Optional<Channel> parse(String name) {
		if (name == null || name.length() > MAX_LENGTH) {
			return Optional.empty();
		}
		if (name.equals(PROVIDERS)) {
			return Optional.of(new Channel(PROVIDERS, ""));
		}
		int colon = name.indexOf(':');
		if (colon < 1 || colon == name.length() - 1) {
			return Optional.empty();
		}
		String type = name.substring(0, colon);
		String id = name.substring(colon + 1);
		return (WITH_ID.contains(type) && id.chars().noneMatch(c -> c == ':' || Character.isWhitespace(c)))
				? Optional.of(new Channel(type, id)) : Optional.empty();
	}

	public static String name(String type, String id) {
		return type + ":" + id;
	}

	public String name() {
		return this.type.equals(PROVIDERS) ? PROVIDERS : name(this.type, this.id);
	}

}
