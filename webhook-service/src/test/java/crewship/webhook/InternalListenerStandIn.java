package crewship.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
 * Stands in for the gateway's internal listener, for the two things webhook-service asks
 * there: membership lookups on a replica miss (404, as auth-service answers for a
 * stranger: the tests publish memberships on Kafka) and credential-vault-service's
 * pipeline-webhook secret endpoints, whose contract (mint: the secret once; delete: 204)
 * it keeps in memory. The vault's own behaviour is tested in its module and through the
 * gateway in the system tests; here it can also be made to refuse, as a vault that is
 * down or misconfigured does.
 */
public class InternalListenerStandIn implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final Pattern SECRET_PATH = Pattern
		.compile("^/api/v1/internal/webhook-secrets/pipelines/([0-9a-f]{64})$");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The secrets the stand-in vault holds, by the token's SHA-256. */
	public static final Map<String, String> SECRETS = new ConcurrentHashMap<>();

	/** Whether each held target takes deliveries, as the vault's {@code enabled}. */
	public static final Map<String, Boolean> ENABLED = new ConcurrentHashMap<>();

	/** While set, every vault call answers 503. */
	public static final AtomicBoolean VAULT_DOWN = new AtomicBoolean();

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
		try (exchange) {
			Matcher secret = SECRET_PATH.matcher(exchange.getRequestURI().getPath());
			if (!secret.matches()) {
				answer(exchange, 404, null);
				return;
			}
			if (VAULT_DOWN.get()) {
				answer(exchange, 503, null);
				return;
			}
			String target = secret.group(1);
			switch (exchange.getRequestMethod()) {
				case "POST" -> {
					JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
					JsonNode given = body.get("signing_secret");
					String value = (given != null && !given.isNull()) ? given.asString()
							: "whsec_" + java.util.UUID.randomUUID().toString().replace("-", "");
					SECRETS.put(target, value);
					JsonNode enabled = body.get("enabled");
					ENABLED.put(target, enabled == null || enabled.isNull() || enabled.asBoolean());
					answer(exchange, 200, JSON.writeValueAsString(
							Map.of("target_id", target, "secret", value, "rotated_at", "2026-01-01T00:00:00Z")));
				}
				case "DELETE" -> {
					SECRETS.remove(target);
					ENABLED.remove(target);
					exchange.sendResponseHeaders(204, -1);
				}
				default -> answer(exchange, 405, null);
			}
		}
	}

	private static void answer(HttpExchange exchange, int status, String json) throws IOException {
		if (json == null) {
			exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
			exchange.sendResponseHeaders(status, -1);
			return;
		}
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("internalListenerStandIn",
					Map.of("crewship.internal.base-url", "http://127.0.0.1:" + port())));
	}

}
