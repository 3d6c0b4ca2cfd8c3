package crewship.crew;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stands in for the gateway's internal listener, for the two services crew-service calls
 * there (a real vault cannot run in this JVM; the system tests drive the real one):
 * <ul>
 * <li>auth-service's membership lookup on a replica miss: it knows no membership beyond
 * what the tests publish on {@code crewship.memberships.v1}, so it answers 404 ("no such
 * member"), exactly what auth-service answers for a stranger;</li>
 * <li>credential-vault-service's agent webhook-secret contract ({@code POST
 * /api/v1/internal/webhook-secrets/agents/{id}} mints and answers {@code target_id},
 * {@code secret}, {@code rotated_at}; {@code PUT …/policy} takes {@code workspace_id} and
 * {@code require_timestamp}), remembering what it was told so tests can see what reached
 * the vault. {@link #vaultDown} makes it answer as the gateway does while the vault is
 * down: 503 problem+json with {@code Retry-After}.</li>
 * </ul>
 */
public class InternalListenerStandIn implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final Pattern AGENT_SECRET = Pattern
		.compile("/api/v1/internal/webhook-secrets/agents/([^/]+)(/policy)?");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** While set, the vault's routes answer 503 as the gateway's fallback does. */
	static final AtomicBoolean vaultDown = new AtomicBoolean();

	/** The last secret minted per agent id. */
	static final Map<String, String> secrets = new ConcurrentHashMap<>();

	/** The timestamp policy per agent id, as last pushed or minted. */
	static final Map<String, Boolean> policies = new ConcurrentHashMap<>();

	/** The last mint request per agent id. */
	static final Map<String, JsonNode> mints = new ConcurrentHashMap<>();

	/**
	 * The vault's other internal routes (integration credentials, OAuth), plugged in by
	 * the integration tests; unset: 404 as before.
	 */
	public static volatile com.sun.net.httpserver.HttpHandler otherRoutes;

	private static HttpServer server;

	static synchronized int port() {
		if (server == null) {
			try {
				server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			server.createContext("/", InternalListenerStandIn::handle);
			server.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "internal-stand-in-stop"));
		}
		return server.getAddress().getPort();
	}

	private static void handle(HttpExchange exchange) throws IOException {
		Matcher vault = AGENT_SECRET.matcher(exchange.getRequestURI().getPath());
		if (!vault.matches() && otherRoutes != null) {
			otherRoutes.handle(exchange);
			return;
		}
		if (!vault.matches()) {
			respond(exchange, 404, "application/problem+json", "{\"status\":404}");
			return;
		}
		if (vaultDown.get()) {
			exchange.getResponseHeaders().set("Retry-After", "5");
			respond(exchange, 503, "application/problem+json",
					"{\"status\":503,\"detail\":\"credential-vault-service is unavailable\"}");
			return;
		}
		String agentId = vault.group(1);
		JsonNode body = JSON.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
		if (vault.group(2) == null && exchange.getRequestMethod().equals("POST")) {
			String secret = "whsec_" + UUID.randomUUID().toString().replace("-", "");
			secrets.put(agentId, secret);
			mints.put(agentId, body);
			if (body.has("require_timestamp")) {
				policies.put(agentId, body.get("require_timestamp").asBoolean());
			}
			respond(exchange, 200, "application/json", JSON.writeValueAsString(
					Map.of("target_id", agentId, "secret", secret, "rotated_at", Instant.now().toString())));
		}
		else if (vault.group(2) != null && exchange.getRequestMethod().equals("PUT")) {
			if (!body.hasNonNull("workspace_id")) {
				respond(exchange, 404, "application/problem+json", "{\"status\":404}");
				return;
			}
			policies.put(agentId, body.get("require_timestamp").asBoolean());
			respond(exchange, 200, "application/json", JSON.writeValueAsString(
					Map.of("target_id", agentId, "require_timestamp", body.get("require_timestamp").asBoolean())));
		}
		else {
			respond(exchange, 405, "application/problem+json", "{\"status\":405}");
		}
	}

	private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", type);
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("internalListenerStandIn",
					Map.of("crewship.internal.base-url", "http://127.0.0.1:" + port())));
	}

}
