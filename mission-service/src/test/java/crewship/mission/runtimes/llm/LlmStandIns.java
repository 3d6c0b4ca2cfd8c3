package crewship.mission.runtimes.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

import crewship.platform.internal.InternalProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * What mission-service's llm part calls outside itself, in its tests:
 * <ul>
 * <li>the model providers: one WireMock server (third-party APIs) that
 * {@code crewship.mission.llm.providers.*.base-url} points Anthropic and OpenAI at, with
 * an operator key for completions;</li>
 * <li>the gateway's internal listener, standing in for credential-vault-service's
 * internal resolution ({@code GET /api/v1/internal/agents/{id}/credentials}): it answers
 * the slots tests {@link #vaultBinds bind} for an agent, 404 for an agent it does not
 * know (as the vault does), and only with the internal token; and one credential's value
 * ({@code GET /api/v1/internal/credentials/{id}/value}) for those in
 * {@link #values}.</li>
 * </ul>
 */
public class LlmStandIns implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	static final String INTERNAL_TOKEN = "llm-test-internal-token";

	static final String OPERATOR_KEY = "sk-ant-operator-test-key-0000";

	private static final Pattern ENVIRONMENT = Pattern.compile("/api/v1/internal/agents/([^/]+)/credentials");

	private static final Pattern VALUE = Pattern.compile("/api/v1/internal/credentials/([^/]+)/value");

	/** Credential id → the value the vault delivers for it. */
	public static final Map<String, String> values = new ConcurrentHashMap<>();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Agent id → its delivered slots (slot → value, provider). */
	static final Map<String, Map<String, Object>> vault = new ConcurrentHashMap<>();

	static final AtomicInteger vaultCalls = new AtomicInteger();

	private static HttpServer internal;

	private static WireMockServer providers;

	/** The vault delivers this key to the agent's runs under the slot. */
	static void vaultBinds(String agentId, String slot, String provider, String value) {
		vault.put(agentId, Map.of("agent_id", agentId, "slots",
				List.of(Map.of("slot", slot, "source", "agent_binding", "credential",
						Map.of("credential_id", "crd_" + agentId, "name", "key", "type", "API_KEY", "provider",
								provider, "value", value, "fields", Map.of(), "resolved_at", "2026-01-01T00:00:00Z"))),
				"skipped", List.of()));
	}

	static synchronized int internalPort() {
		if (internal == null) {
			try {
				internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			internal.createContext("/", LlmStandIns::handle);
			internal.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> internal.stop(0), "internal-stand-in-stop"));
		}
		return internal.getAddress().getPort();
	}

	static synchronized WireMockServer providers() {
		if (providers == null) {
			providers = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
			providers.start();
			Runtime.getRuntime().addShutdownHook(new Thread(providers::stop, "wiremock-stop"));
		}
		return providers;
	}

	private static void handle(HttpExchange exchange) throws IOException {
		Matcher environment = ENVIRONMENT.matcher(exchange.getRequestURI().getPath());
		boolean authorised = INTERNAL_TOKEN
			.equals(exchange.getRequestHeaders().getFirst(InternalProperties.TOKEN_HEADER));
		if (environment.matches() && authorised) {
			vaultCalls.incrementAndGet();
			Map<String, Object> answer = vault.get(environment.group(1));
			if (answer != null && exchange.getRequestURI().getQuery() != null
					&& exchange.getRequestURI().getQuery().contains("workspace_id=")) {
				respond(exchange, 200, "application/json", JSON.writeValueAsString(answer));
				return;
			}
		}
		Matcher value = VALUE.matcher(exchange.getRequestURI().getPath());
		if (value.matches() && authorised && values.containsKey(value.group(1))) {
			respond(exchange, 200, "application/json", JSON.writeValueAsString(Map.of("credential_id", value.group(1),
					"type", "API_KEY", "value", values.get(value.group(1)), "resolved_at", "2026-01-01T00:00:00Z")));
			return;
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
		String providerUrl = providers().baseUrl();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("llmTestStandIns", Map.of("crewship.internal.base-url",
					"http://127.0.0.1:" + internalPort(), "crewship.internal.token", INTERNAL_TOKEN,
					"crewship.mission.llm.providers.anthropic.base-url", providerUrl,
					"crewship.mission.llm.providers.openai.base-url", providerUrl,
					"crewship.mission.llm.providers.anthropic.api-key", OPERATOR_KEY,
					"crewship.mission.llm.retry.initial-backoff", "20ms", "crewship.mission.llm.retry.max-backoff",
					"100ms", "crewship.mission.auxiliary.slots.curator.provider", "openai",
					"crewship.mission.auxiliary.slots.curator.model", "gpt-4o-mini",
					"crewship.mission.auxiliary.slots.curator.timeout", "30s")));
	}

}
