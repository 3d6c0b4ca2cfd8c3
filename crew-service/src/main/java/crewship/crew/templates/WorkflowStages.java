package crewship.crew.templates;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import crewship.platform.web.ProblemException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A workflow template's stage array (workflow-templates.mdx "Stage shape"): validated on
 * every write by the page's rules and re-marshalled, so reads see canonical JSON.
 */
final class WorkflowStages {

	static final Set<String> TYPES = Set.of("open", "started", "completed", "cancelled");

	static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})");

	static final int MAX_STAGES = 50;

	static final int MAX_BYTES = 16 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private WorkflowStages() {
	}

	/**
	 * @param value the stage array, as a JSON string or (on {@code /api/v1/templates}) an
	 * array
	 * @return the canonical JSON text
	 * @throws ProblemException 400 naming the first rule broken
	 */
	static String canonical(JsonNode value) {
		if (value == null || value.isNull()) {
			throw ProblemException.badRequest("template_json is required");
		}
		JsonNode stages = value;
		if (value.isString()) {
			if (value.asString().length() > MAX_BYTES) {
				throw ProblemException.badRequest("template_json exceeds " + (MAX_BYTES / 1024) + " KB");
			}
			try {
				stages = JSON.readTree(value.asString());
			}
			catch (JacksonException ex) {
				throw ProblemException.badRequest("template_json is not valid JSON");
			}
		}
		if (stages == null || !stages.isArray()) {
			throw ProblemException.badRequest("template_json must be a JSON array of stages");
		}
		if (stages.isEmpty()) {
			throw ProblemException.badRequest("template_json must have at least one stage");
		}
		if (stages.size() > MAX_STAGES) {
			throw ProblemException.badRequest("template_json holds at most " + MAX_STAGES + " stages");
		}
		ArrayNode canonical = JSON.createArrayNode();
		Set<String> names = new HashSet<>();
		Set<Integer> positions = new HashSet<>();
		int open = 0;
		int completed = 0;
		for (JsonNode stage : stages) {
			if (!stage.isObject()) {
				throw ProblemException.badRequest("every stage must be an object");
			}
			String name = stage.path("name").isString() ? stage.get("name").asString() : null;
			if (name == null || name.isBlank()) {
				throw ProblemException.badRequest("every stage needs a name");
			}
			if (name.length() > 100) {
				throw ProblemException.badRequest("stage name '" + name.substring(0, 20) + "…' exceeds 100 characters");
			}
			String type = stage.path("type").isString() ? stage.get("type").asString() : null;
			if (type == null || !TYPES.contains(type)) {
				throw ProblemException
					.badRequest("stage '" + name + "' has type " + type + "; it must be one of " + List.copyOf(TYPES));
			}
			if (!stage.path("position").isIntegralNumber() || stage.get("position").asInt() < 1) {
				throw ProblemException.badRequest("stage '" + name + "' needs a positive integer position");
			}
			int position = stage.get("position").asInt();
			if (!names.add(name)) {
				throw ProblemException.badRequest("stage names must be unique; '" + name + "' repeats");
			}
			if (!positions.add(position)) {
				throw ProblemException.badRequest("stage positions must be unique; " + position + " repeats");
			}
			open += type.equals("open") ? 1 : 0;
			completed += type.equals("completed") ? 1 : 0;
			ObjectNode out = canonical.addObject();
			out.put("name", name);
			out.put("type", type);
			out.put("position", position);
			JsonNode color = stage.get("color");
			if (color != null && color.isString() && !color.asString().isEmpty()) {
				if (!HEX.matcher(color.asString()).matches()) {
					throw ProblemException.badRequest("stage '" + name + "' color must be a hex color like #3B82F6");
				}
				out.put("color", color.asString());
			}
		}
		if (open != 1) {
			throw ProblemException.badRequest("template_json must have exactly one stage of type open");
		}
		if (completed < 1) {
			throw ProblemException.badRequest("template_json must have at least one stage of type completed");
		}
		return JSON.writeValueAsString(canonical);
	}

	/** An optional top-level color: null keeps, empty clears, else a hex color. */
	static String color(String color) {
		if (color == null || color.isEmpty()) {
			return color;
		}
		if (!HEX.matcher(color).matches()) {
			throw ProblemException.badRequest("color must be a 3- or 6-digit hex color such as #3B82F6");
		}
		return color;
	}

}
