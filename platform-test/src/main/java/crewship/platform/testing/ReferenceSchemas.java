package crewship.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.PathType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks response bodies against the reference OpenAPI document
 * ({@code spec/crewship-openapi.json}, copied to {@code reference/crewship-openapi.json}
 * on this module's classpath). The web UI and the CLI read every 2xx answer in the shape
 * that document gives, and a wrong shape crashes them even when the status is right — so
 * tests assert shapes with this, not by eye.
 * <p>
 * A request is matched to its operation by method and path template; a literal segment
 * beats a {@code {parameter}} ({@code /skills/proposed} is not {@code /skills/{id}}).
 * Only 2xx answers are checked: errors are the seed's RFC 7807 problems, which the
 * overview (the contract that wins) prescribes over the reference's {@code {"error"}}
 * shape.
 */
public final class ReferenceSchemas {

	private static final String RESOURCE = "reference/crewship-openapi.json";

	/** Where the document is registered for {@code $ref} resolution; never fetched. */
	private static final String BASE = "https://reference.crewship.invalid/openapi.json";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static volatile ReferenceSchemas shared;

	private final JsonNode document;

	private final List<Route> routes = new ArrayList<>();

	private final SchemaRegistry registry;

	private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

	/** A documented operation. */
	public record Operation(String method, String template, String operationId) {

		@Override
		public String toString() {
			return this.method + " " + this.template + " (" + this.operationId + ")";
		}

	}

	private record Route(Operation operation, Pattern pattern, int literalSegments, int segments) {
	}

	private ReferenceSchemas(String documentText) {
		this.document = JSON.readTree(documentText);
		this.document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
			String method = op.getKey().toUpperCase(Locale.ROOT);
			if (op.getValue().isObject() && op.getValue().has("responses")) {
				String operationId = op.getValue().path("operationId").asString(method + " " + path.getKey());
				this.routes.add(route(new Operation(method, path.getKey(), operationId)));
			}
		}));
		// most literal first: /skills/proposed before /skills/{id}
		this.routes
			.sort(Comparator.comparingInt((Route route) -> -route.literalSegments()).thenComparingInt(Route::segments));
		SchemaRegistryConfig config = SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build();
		this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30(),
				builder -> builder.schemaRegistryConfig(config).schemas(Map.of(BASE, documentText)));
	}

	/** The reference document, parsed once per test JVM. */
	public static ReferenceSchemas shared() {
		ReferenceSchemas current = shared;
		if (current == null) {
			synchronized (ReferenceSchemas.class) {
				current = shared;
				if (current == null) {
					current = new ReferenceSchemas(readResource());
					shared = current;
				}
			}
		}
		return current;
	}

	private static String readResource() {
		try (InputStream in = ReferenceSchemas.class.getClassLoader().getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is not on the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Route route(Operation operation) {
		String[] parts = operation.template().split("/");
		StringBuilder regex = new StringBuilder();
		int literals = 0;
		for (String part : parts) {
			if (part.isEmpty()) {
				continue;
			}
			regex.append('/');
			if (part.startsWith("{") && part.endsWith("}")) {
				regex.append("[^/]+");
			}
			else {
				regex.append(Pattern.quote(part));
				literals++;
			}
		}
		return new Route(operation, Pattern.compile(regex.toString()), literals, parts.length);
	}

	/**
	 * @param path the request path as sent, a query string allowed
	 * @return the documented operation it calls, if the reference has one
	 */
	public Optional<Operation> operation(String method, String path) {
		String bare = stripQuery(path);
		String upper = method.toUpperCase(Locale.ROOT);
		return this.routes.stream()
			.filter(route -> route.operation().method().equals(upper) && route.pattern().matcher(bare).matches())
			.map(Route::operation)
			.findFirst();
	}

	/**
	 * What is wrong with a response, as the reference sees it: empty when it conforms,
	 * when it is not a 2xx, or when the reference does not document the operation.
	 * @param contentType the response's {@code Content-Type}, or null
	 */
	public List<String> violations(String method, String path, int status, String contentType, String body) {
		if (status < 200 || status > 299) {
			return List.of();
		}
		Optional<Operation> found = operation(method, path);
		if (found.isEmpty()) {
			return List.of();
		}
		Operation operation = found.get();
		String operationPointer = "/paths/" + escape(operation.template()) + "/"
				+ operation.method().toLowerCase(Locale.ROOT);
		JsonNode responses = this.document.at(operationPointer + "/responses");
		String code = String.valueOf(status);
		String key = responses.has(code) ? code
				: responses.has("2XX") ? "2XX" : responses.has("default") ? "default" : otherSuccess(responses);
		if (key == null) {
			List<String> documented = new ArrayList<>();
			responses.propertyNames().forEach(documented::add);
			return List.of(operation + ": status " + status + " is not documented (documented: " + documented + ")");
		}
		JsonNode content = responses.get(key).path("content");
		JsonNode json = content.get("application/json");
		if (json == null || !json.has("schema")) {
			// binary, text, event streams or no body: the reference gives no JSON shape
			return List.of();
		}
		if (status == 204 || body == null || body.isEmpty()) {
			return List.of(operation + ": " + status + " has no body, the reference documents a JSON body");
		}
		if (contentType != null && !contentType.toLowerCase(Locale.ROOT).contains("json")) {
			return List.of(operation + ": Content-Type " + contentType + ", the reference documents application/json");
		}
		JsonNode instance;
		try {
			instance = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return List.of(operation + ": body is not JSON: " + ex.getOriginalMessage());
		}
		String schemaPointer = operationPointer + "/responses/" + escape(key) + "/content/application~1json/schema";
		Schema schema = this.schemas.computeIfAbsent(schemaPointer,
				pointer -> this.registry.getSchema(SchemaLocation.of(BASE + "#" + pointer)));
		List<Error> errors = schema.validate(instance);
		return errors.stream()
			.map(error -> operation + " " + status + ": " + error.getInstanceLocation() + ": " + error.getMessage())
			.toList();
	}

	/**
	 * Fails with every violation named: the operation, the JSON path and what was wrong.
	 */
	public void assertConforms(String method, String path, int status, String contentType, String body) {
		List<String> violations = violations(method, path, status, contentType, body);
		if (!violations.isEmpty()) {
			throw new AssertionError("Response does not match the reference schema:\n  "
					+ String.join("\n  ", violations) + "\nbody: " + abbreviate(body));
		}
	}

	/** {@link #assertConforms} for a {@link TestHttp} answer. */
	public void assertConforms(String method, String path, TestHttp.Response response) {
		assertConforms(method, path, response.status(), response.header("Content-Type"), response.body());
	}

	/**
	 * The documented success a 201 or 202 is judged against when the reference knows only
	 * another (its generator wrote 200 for the hire that the page answers 201/202):
	 * clients branch on "2xx", then read the shape, so the shape is what must hold.
	 */
	private static String otherSuccess(JsonNode responses) {
		List<String> codes = new ArrayList<>();
		responses.propertyNames().forEach(codes::add);
		return codes.stream().filter(candidate -> candidate.matches("2\\d\\d")).sorted().findFirst().orElse(null);
	}

	private static String stripQuery(String path) {
		int query = path.indexOf('?');
		String bare = (query < 0) ? path : path.substring(0, query);
		return (bare.length() > 1 && bare.endsWith("/")) ? bare.substring(0, bare.length() - 1) : bare;
	}

	private static String escape(String token) {
		return token.replace("~", "~0").replace("/", "~1");
	}

	private static String abbreviate(String body) {
		return (body == null || body.length() <= 2000) ? body : body.substring(0, 2000) + "…";
	}

}
