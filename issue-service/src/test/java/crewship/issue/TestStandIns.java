package crewship.issue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import tools.jackson.databind.json.JsonMapper;

/**
 * What issue-service calls outside itself, in its tests:
 * <ul>
 * <li>the gateway's internal listener, standing in for the two services behind it that
 * issue-service asks (a real vault cannot run in this JVM; the system tests drive the
 * real one): auth-service's membership lookup on a replica miss answers 404 ("no such
 * member"), as auth-service does for a stranger; credential-vault-service's internal
 * resolution answers the values tests {@link #vaultHolds put} there, 404 for others, and
 * counts the calls;</li>
 * <li>GitHub and GitLab: one WireMock server (third-party APIs), which
 * {@code crewship.issue.code-links.api-urls} points github.com and gitlab.com at.</li>
 * </ul>
 */
public class TestStandIns implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final Pattern RESOLVE = Pattern.compile("/api/v1/internal/credentials/([^/]+)/value");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Credential id → the vault's answer for it. */
	static final Map<String, Map<String, Object>> vault = new ConcurrentHashMap<>();

	static final AtomicInteger vaultCalls = new AtomicInteger();

	private static HttpServer internal;

	private static WireMockServer forges;

	/** The vault delivers this value (with these custom fields) for the credential. */
	static void vaultHolds(String credentialId, String value, Map<String, String> fields) {
		vault.put(credentialId, Map.of("credential_id", credentialId, "name", "forge", "type", "API_KEY", "value",
				value, "fields", fields, "resolved_at", "2026-01-01T00:00:00Z"));
	}

	static synchronized int internalPort() {
		if (internal == null) {
			try {
				internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			internal.createContext("/", TestStandIns::handle);
			internal.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> internal.stop(0), "internal-stand-in-stop"));
		}
		return internal.getAddress().getPort();
	}

	static synchronized WireMockServer forges() {
		if (forges == null) {
			forges = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
			forges.start();
			Runtime.getRuntime().addShutdownHook(new Thread(forges::stop, "wiremock-stop"));
		}
		return forges;
	}

	private static void handle(HttpExchange exchange) throws IOException {
		Matcher resolve = RESOLVE.matcher(exchange.getRequestURI().getPath());
		if (resolve.matches()) {
			vaultCalls.incrementAndGet();
			Map<String, Object> answer = vault.get(resolve.group(1));
			if (answer != null && exchange.getRequestURI().getQuery() != null
					&& exchange.getRequestURI().getQuery().contains("workspace_id=")) {
				respond(exchange, 200, "application/json", JSON.writeValueAsString(answer));
				return;
			}
		}
		respond(exchange, 404, "application/problem+json", "{\"status\":404}");
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
		String forgeUrl = "http://127.0.0.1:" + forges().port();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("issueTestStandIns",
					Map.of("crewship.internal.base-url", "http://127.0.0.1:" + internalPort(),
							"crewship.issue.code-links.api-urls[github.com]", forgeUrl,
							"crewship.issue.code-links.api-urls[gitlab.com]", forgeUrl + "/api/v4")));
	}

}
