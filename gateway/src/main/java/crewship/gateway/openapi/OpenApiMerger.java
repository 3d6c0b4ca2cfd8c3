package crewship.gateway.openapi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges the services' OpenAPI documents into the suite's one: every public path of every
 * service (internal routes left out), each operation marked with the service that serves
 * it ({@code x-crewship-service}); components of the same name and content kept once,
 * same name but other content renamed for the later service ({@code crew-service.Crew})
 * with that service's references rewritten; a repeated operation id suffixed with the
 * service. Services that did not answer are named in {@code x-crewship-missing-services}.
 */
final class OpenApiMerger {

	static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

	/** Paths no client can call through the public listener. */
	static boolean internal(String path) {
		return path.startsWith("/api/v1/internal/") || path.equals("/api/v1/internal") || path.startsWith("/internal/");
	}

	record Part(String service, JsonNode document) {
	}

	private OpenApiMerger() {
	}

	static ObjectNode merge(List<Part> parts, List<String> missing, String version) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		ObjectNode merged = nodes.objectNode();
		merged.put("openapi", "3.1.0");
		ObjectNode info = merged.putObject("info");
		info.put("title", "Crewship API");
		info.put("version", version);
		info.put("description", "The whole suite behind its gateway: every service's OpenAPI document merged. "
				+ "Internal routes (/api/v1/internal/**, internal listener only) are left out.");
		merged.putArray("servers").addObject().put("url", "/");
		ObjectNode paths = merged.putObject("paths");
		ObjectNode components = merged.putObject("components");
		Map<String, String> tagDescriptions = new java.util.TreeMap<>();
		Set<String> operationIds = new HashSet<>();
		List<String> included = new ArrayList<>();
		for (Part part : parts) {
			JsonNode document = part.document().deepCopy();
			addComponents(components, document, part.service());
			addPaths(paths, document.path("paths"), part.service(), operationIds);
			for (JsonNode tag : document.path("tags")) {
				tagDescriptions.putIfAbsent(tag.path("name").asString(), tag.path("description").asString(null));
			}
			included.add(part.service());
		}
		if (!tagDescriptions.isEmpty()) {
			ArrayNode tags = merged.putArray("tags");
			tagDescriptions.forEach((name, description) -> {
				ObjectNode tag = tags.addObject().put("name", name);
				if (description != null) {
					tag.put("description", description);
				}
			});
		}
		ArrayNode services = merged.putArray("x-crewship-services");
		included.forEach(services::add);
		if (!missing.isEmpty()) {
			ArrayNode absent = merged.putArray("x-crewship-missing-services");
			missing.forEach(absent::add);
			info.put("description", info.path("description").asString() + " Missing (did not answer): "
					+ String.join(", ", missing) + ".");
		}
		return merged;
	}

	/**
	 * Adds the document's components, renaming those whose name is taken by another
	 * content ({@code Crew} → {@code crew-service.Crew}) and rewriting the document's
	 * references to them; a rename can make another component differ in turn, so the
	 * names are settled first.
	 */
	private static void addComponents(ObjectNode components, JsonNode document, String service) {
		JsonNode theirs = document.path("components");
		Map<String, String> renamed = new HashMap<>();
		boolean settled = false;
		while (!settled) {
			settled = true;
			JsonNode rewritten = theirs.deepCopy();
			rewriteRefs(rewritten, renamed);
			for (Map.Entry<String, JsonNode> kind : rewritten.properties()) {
				for (Map.Entry<String, JsonNode> component : kind.getValue().properties()) {
					String ref = "#/components/" + kind.getKey() + "/" + component.getKey();
					JsonNode present = components.path(kind.getKey()).get(component.getKey());
					if (!renamed.containsKey(ref) && present != null && !present.equals(component.getValue())) {
						renamed.put(ref, "#/components/" + kind.getKey() + "/" + service + "." + component.getKey());
						settled = false;
					}
				}
			}
		}
		rewriteRefs(document, renamed);
		for (Map.Entry<String, JsonNode> kind : theirs.properties()) {
			if (!kind.getValue().isObject()) {
				continue;
			}
			ObjectNode ours = (components.get(kind.getKey()) instanceof ObjectNode existing) ? existing
					: components.putObject(kind.getKey());
			for (Map.Entry<String, JsonNode> component : kind.getValue().properties()) {
				String ref = "#/components/" + kind.getKey() + "/" + component.getKey();
				String name = renamed.containsKey(ref) ? service + "." + component.getKey() : component.getKey();
				if (!ours.has(name)) {
					ours.set(name, component.getValue());
				}
			}
		}
	}

	private static void addPaths(ObjectNode paths, JsonNode theirs, String service, Set<String> operationIds) {
		for (Map.Entry<String, JsonNode> path : theirs.properties()) {
			if (internal(path.getKey()) || !path.getValue().isObject()) {
				continue;
			}
			ObjectNode item = (paths.get(path.getKey()) instanceof ObjectNode existing) ? existing
					: paths.putObject(path.getKey());
			for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
				if (item.has(entry.getKey())) {
					continue; // the first service to describe it keeps it (the gateway
								// routes one)
				}
				if (METHODS.contains(entry.getKey()) && entry.getValue() instanceof ObjectNode operation) {
					operation.put("x-crewship-service", service);
					String id = operation.path("operationId").asString(null);
					if (id != null && !operationIds.add(id)) {
						String unique = service + "_" + id;
						operation.put("operationId", unique);
						operationIds.add(unique);
					}
				}
				item.set(entry.getKey(), entry.getValue());
			}
			if (item.isEmpty()) {
				paths.remove(path.getKey());
			}
		}
	}

	private static void rewriteRefs(JsonNode node, Map<String, String> renamed) {
		if (node instanceof ObjectNode object) {
			JsonNode ref = object.get("$ref");
			if (ref != null && ref.isString() && renamed.containsKey(ref.asString())) {
				object.put("$ref", renamed.get(ref.asString()));
			}
			for (JsonNode child : object) {
				rewriteRefs(child, renamed);
			}
		}
		else if (node instanceof ArrayNode array) {
			for (JsonNode child : array) {
				rewriteRefs(child, renamed);
			}
		}
	}

	/** Every {@code METHOD path} of a document, for the tests and the log. */
	static Set<String> operations(JsonNode document) {
		Set<String> operations = new LinkedHashSet<>();
		for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
			for (String method : path.getValue().propertyNames()) {
				if (METHODS.contains(method)) {
					operations.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
				}
			}
		}
		return operations;
	}

}
