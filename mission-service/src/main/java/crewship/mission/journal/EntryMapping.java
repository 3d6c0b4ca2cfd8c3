package crewship.mission.journal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import crewship.platform.events.EventEnvelope;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a domain event becomes journal entries. One entry per event, its {@code entry_type}
 * the event's type, except where the journal's catalog names the thing differently:
 * <ul>
 * <li>{@code run.started} stays; {@code run.updated} of a terminal run becomes
 * {@code run.completed} / {@code run.failed} / {@code run.cancelled} /
 * {@code run.timeout} ({@code trace_id} = the run id, actor = the agent);</li>
 * <li>a run of assigned work (an issue's or a mission task's) adds
 * {@code assignment.running} / {@code assignment.completed} / {@code assignment.failed},
 * and {@code issue.run_requested} is {@code assignment.created} — the activity feed's
 * lifecycle;</li>
 * <li>a finished run with a {@code cost_usd} above zero adds {@code cost.incurred}
 * carrying the cost (the spend rollup sums only those);</li>
 * <li>{@code escalation.created} is {@code peer.escalation}.</li>
 * </ul>
 * Ephemeral frames ({@code agent.log}, a chat's undotted {@code text}/{@code done}
 * frames) are not journaled. The payload is the event's data without credential-like
 * fields, capped at 16 KB; {@code refs} name the source event (and, for an added entry,
 * its parent entry).
 */
final class EntryMapping {

	private static final Set<String> SECRET_KEYS = Set.of("token", "secret", "password", "value", "signing_secret",
			"api_key", "client_secret", "access_token", "refresh_token", "cli_token");

	private static final int MAX_PAYLOAD_CHARS = 16_384;

	private EntryMapping() {
	}

	static boolean journaled(String type) {
		return type != null && type.indexOf('.') > 0 && !type.equals("agent.log");
	}

	static List<NewEntry> map(JsonMapper json, String topic, EventEnvelope event) {
		if (event.workspaceId() == null || event.id() == null || !journaled(event.type())) {
			return List.of();
		}
		JsonNode data = (event.data() != null && event.data().isObject()) ? event.data() : json.createObjectNode();
		String type = event.type();
		String crewId = firstText(data, "crew_id");
		if (crewId == null && type.startsWith("crew.")) {
			crewId = text(data, "id");
		}
		String agentId = text(data, "agent_id");
		if (agentId == null && type.startsWith("agent.")) {
			agentId = text(data, "id");
		}
		String missionId = text(data, "mission_id");
		if (missionId == null && type.startsWith("mission.")) {
			missionId = text(data, "id");
		}
		boolean run = type.equals("run.started") || type.equals("run.updated");
		String traceId = run ? text(data, "id") : text(data, "run_id");
		String actorId = event.actor();
		String actorType;
		if (run) {
			actorType = "agent";
			actorId = agentId;
		}
		else if (actorId == null || actorId.isBlank() || actorId.equals("system")) {
			actorType = "system";
			actorId = null;
		}
		else {
			actorType = actorId.equals(agentId) ? "agent" : "user";
		}
		JsonNode payload = payload(json, data);
		Map<String, String> refs = new LinkedHashMap<>();
		refs.put("source_event_id", event.id());
		refs.put("source_topic", topic);
		if (event.subject() != null) {
			refs.put("subject", event.subject());
		}
		String parentId = "j_" + ChainHash.sha256Hex(event.id()).substring(0, 16);
		Map<String, String> childRefs = new LinkedHashMap<>(refs);
		childRefs.put("parent_entry_id", parentId);

		List<NewEntry> entries = new ArrayList<>();
		if (run) {
			String status = upper(text(data, "status"));
			String trigger = text(data, "trigger");
			boolean terminal = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT").contains(status);
			String runType = type.equals("run.started") ? "run.started"
					: terminal ? "run." + status.toLowerCase(Locale.ROOT) : "run.updated";
			String severity = switch (status) {
				case "FAILED", "TIMEOUT" -> "error";
				case "CANCELLED" -> "notice";
				default -> "info";
			};
			String error = text(data, "error");
			String summary = "run " + (status.isEmpty() ? "updated" : status.toLowerCase(Locale.ROOT))
					+ ((trigger != null) ? " (" + trigger + ")" : "") + ((error != null) ? ": " + error : "");
			entries.add(new NewEntry(event.id(), event.workspaceId(), event.time(), runType, severity, actorType,
					actorId, crewId, agentId, missionId, traceId, summary, payload, refs, null));
			boolean assigned = text(data, "issue_id") != null || text(data, "task_id") != null;
			String assignment = !assigned ? null : type.equals("run.started") ? "assignment.running"
					: "COMPLETED".equals(status) ? "assignment.completed" : terminal ? "assignment.failed" : null;
			if (assignment != null) {
				String what = (text(data, "issue_id") != null) ? "issue " + text(data, "issue_id")
						: "mission task " + text(data, "task_id");
				entries.add(new NewEntry(event.id() + "#assignment", event.workspaceId(), event.time(), assignment,
						assignment.equals("assignment.failed") ? "warn" : "info", actorType, actorId, crewId, agentId,
						missionId, traceId, assignment.substring("assignment.".length()) + ": " + what, payload,
						childRefs, null));
			}
			BigDecimal cost = decimal(data, "cost_usd");
			if (terminal && cost != null && cost.signum() > 0) {
				ObjectNode costPayload = json.createObjectNode();
				costPayload.put("run_id", traceId);
				costPayload.put("cost_usd", cost);
				String model = firstText(data, "llm_model", "model");
				if (model != null) {
					costPayload.put("model", model);
				}
				entries.add(new NewEntry(event.id() + "#cost", event.workspaceId(), event.time(), "cost.incurred",
						"info", actorType, actorId, crewId, agentId, missionId, traceId,
						"run cost $" + cost.stripTrailingZeros().toPlainString(), costPayload, childRefs, cost));
			}
			return entries;
		}
		String entryType = switch (type) {
			case "issue.run_requested" -> "assignment.created";
			case "escalation.created" -> "peer.escalation";
			default -> type;
		};
		entries.add(new NewEntry(event.id(), event.workspaceId(), event.time(), entryType, severity(type), actorType,
				actorId, crewId, agentId, missionId, traceId, summary(type, data), payload, refs, null));
		return entries;
	}

	private static String severity(String type) {
		if (type.equals("escalation.created") || type.endsWith(".failed") || type.endsWith(".expired")) {
			return "warn";
		}
		if (type.endsWith(".deleted") || type.endsWith(".purged") || type.endsWith(".rotated")
				|| type.endsWith(".cancelled")) {
			return "notice";
		}
		return "info";
	}

	/** "crew created: Engineering" — the event, and what it is about. */
	static String summary(String type, JsonNode data) {
		String words = type.replace('_', ' ').replace('.', ' ');
		if (type.equals("issue.run_requested")) {
			words = "agent assigned";
		}
		String identifier = text(data, "identifier");
		String label = firstText(data, "title", "name", "slug");
		String what = (identifier != null && label != null) ? identifier + " " + label
				: (identifier != null) ? identifier : (label != null) ? label : text(data, "id");
		return (what != null) ? words + ": " + what : words;
	}

	private static JsonNode payload(JsonMapper json, JsonNode data) {
		ObjectNode payload = json.createObjectNode();
		for (Map.Entry<String, JsonNode> field : data.properties()) {
			if (!SECRET_KEYS.contains(field.getKey().toLowerCase(Locale.ROOT))) {
				payload.set(field.getKey(), field.getValue());
			}
		}
		if (json.writeValueAsString(payload).length() <= MAX_PAYLOAD_CHARS) {
			return payload;
		}
		ObjectNode truncated = json.createObjectNode();
		truncated.put("truncated", true);
		for (String key : List.of("id", "crew_id", "agent_id", "mission_id", "status", "name", "title")) {
			JsonNode value = payload.get(key);
			if (value != null && value.isValueNode()) {
				truncated.set(key, value);
			}
		}
		return truncated;
	}

	static String text(JsonNode data, String field) {
		JsonNode value = (data != null) ? data.get(field) : null;
		if (value == null || value.isNull() || value.isContainer()) {
			return null;
		}
		String text = value.asString();
		return (text == null || text.isBlank()) ? null : text;
	}

	static String firstText(JsonNode data, String... fields) {
		for (String field : fields) {
			String text = text(data, field);
			if (text != null) {
				return text;
			}
		}
		return null;
	}

	private static String upper(String text) {
		return (text != null) ? text.toUpperCase(Locale.ROOT) : "";
	}

	private static BigDecimal decimal(JsonNode data, String field) {
		JsonNode value = data.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (value.isNumber()) {
			return value.decimalValue();
		}
		try {
			return new BigDecimal(value.asString());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
