package crewship.cli;

import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;

/**
 * Resolves what a person types (an id, a slug, a name) to the record's id, as the
 * reference CLI does: an id-shaped reference is tried as an id first, and on a miss the
 * list is searched by slug or name, so a slug that looks like an id still resolves. A
 * reference that resolves to nothing is exit 3.
 */
public final class Refs {

	private static final int LIST_LIMIT = 100;

	private Refs() {
	}

	public static JsonNode crew(Api api, String ref) {
		return find(api, "/api/v1/crews/" + Api.segment(ref), Api.path("/api/v1/crews", "limit", LIST_LIMIT),
				node -> ref.equals(Output.text(node, "slug")), "crew", ref);
	}

	public static JsonNode agent(Api api, String ref) {
		return find(api, "/api/v1/agents/" + Api.segment(ref), Api.path("/api/v1/agents", "limit", LIST_LIMIT),
				node -> ref.equals(Output.text(node, "slug")), "agent", ref);
	}

	public static JsonNode credential(Api api, String ref) {
		return find(api, "/api/v1/credentials/" + Api.segment(ref),
				Api.path("/api/v1/credentials", "limit", LIST_LIMIT), node -> ref.equals(Output.text(node, "name")),
				"credential", ref);
	}

	public static String crewId(Api api, String ref) {
		return crew(api, ref).get("id").asString();
	}

	public static String agentId(Api api, String ref) {
		return agent(api, ref).get("id").asString();
	}

	/**
	 * @param byId the record's own URL, tried when the reference looks like an id
	 * @param list the list searched when it does not, or when the id missed
	 */
	static JsonNode find(Api api, String byId, String list, Predicate<JsonNode> matches, String what, String ref) {
		if (looksLikeId(ref)) {
			Api.Answer answer = api.send("GET", byId, null, java.util.Map.of());
			if (answer.ok()) {
				return answer.json();
			}
			if (answer.status() != 404 && answer.status() != 400) {
				Api.checked(answer);
			}
		}
		JsonNode records = api.get(list);
		JsonNode items = records.isArray() ? records : records.path("data");
		for (JsonNode record : items) {
			if (matches.test(record) || ref.equals(Output.text(record, "id"))) {
				return record;
			}
		}
		throw Failure.notFound(what + " '" + ref + "' not found");
	}

	/** CUID-shaped: lower-case letters and digits, 20+ characters. */
	static boolean looksLikeId(String ref) {
		return ref.length() >= 20 && ref.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
	}

}
