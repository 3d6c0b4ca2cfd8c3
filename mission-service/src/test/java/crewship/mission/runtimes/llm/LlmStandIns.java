package crewship.mission.runtimes.llm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.sun.net.httpserver.HttpExchange;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import crewship.mission.MissionStandIns;
import crewship.mission.MissionStandIns.Answer;
import tools.jackson.databind.json.JsonMapper;

/**
 * What mission-service's llm part calls outside itself, in its tests:
 * <ul>
 * <li>the model providers: one WireMock server (third-party APIs) that
 * {@code crewship.mission.llm.providers.*.base-url} points Anthropic and OpenAI at, with
 * an operator key for completions;</li>
 * <li>crew-service's MCP servers of an agent ({@code GET
 * /api/v1/internal/agents/{id}/mcp-servers}) as tests put them in
 * {@link #mcpServers};</li>
 * <li>credential-vault-service behind the gateway's internal listener
 * ({@link MissionStandIns}): an agent's resolved slots ({@code GET
 * /api/v1/internal/agents/{id}/credentials}) as tests {@link #vaultBinds bind} them, 404
 * for an agent it does not know (as the vault does); and one credential's value
 * ({@code GET /api/v1/internal/credentials/{id}/value}) for those in
 * {@link #values}.</li>
 * </ul>
 */
public class LlmStandIns implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	static final String OPERATOR_KEY = "sk-ant-operator-test-key-0000";

	private static final Pattern ENVIRONMENT = Pattern.compile("/api/v1/internal/agents/([^/]+)/credentials");

	private static final Pattern MCP_SERVERS = Pattern.compile("/api/v1/internal/agents/([^/]+)/mcp-servers");

	private static final Pattern VALUE = Pattern.compile("/api/v1/internal/credentials/([^/]+)/value");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Answer NOT_FOUND = new Answer(404, "{\"status\":404}");

	/** Agent id → the vault's environment answer for it. */
	static final Map<String, Map<String, Object>> vault = new ConcurrentHashMap<>();

	/** Credential id → the value the vault delivers for it. */
	static final Map<String, String> values = new ConcurrentHashMap<>();

	static final AtomicInteger vaultCalls = new AtomicInteger();

	/** Agent id → crew-service's MCP servers of the agent (unknown agent: 404). */
	static final Map<String, List<Map<String, Object>>> mcpServers = new ConcurrentHashMap<>();

	private static WireMockServer providers;

	/** The vault delivers this key to the agent's runs under the slot. */
	static void vaultBinds(String agentId, String slot, String provider, String value) {
		vault.put(agentId, Map.of("agent_id", agentId, "slots",
				List.of(Map.of("slot", slot, "source", "agent_binding", "credential",
						Map.of("credential_id", "crd_" + agentId, "name", "key", "type", "API_KEY", "provider",
								provider, "value", value, "fields", Map.of(), "resolved_at", "2026-01-01T00:00:00Z"))),
				"skipped", List.of()));
	}

	static synchronized WireMockServer providers() {
		if (providers == null) {
			providers = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
			providers.start();
			Runtime.getRuntime().addShutdownHook(new Thread(providers::stop, "wiremock-stop"));
		}
		return providers;
	}

	/**
	 * The vault's {@code GET /api/v1/internal/agents/{id}/credentials}, and
	 * crew-service's {@code GET /api/v1/internal/agents/{id}/mcp-servers} on the same
	 * prefix.
	 */
	static Answer environment(HttpExchange exchange) {
		Matcher servers = MCP_SERVERS.matcher(exchange.getRequestURI().getPath());
		if (servers.matches()) {
			List<Map<String, Object>> found = mcpServers.get(servers.group(1));
			String query = exchange.getRequestURI().getQuery();
			return (found != null && query != null && query.contains("workspace_id="))
					? new Answer(200, JSON.writeValueAsString(Map.of("agent_id", servers.group(1), "servers", found)))
					: NOT_FOUND;
		}
		Matcher environment = ENVIRONMENT.matcher(exchange.getRequestURI().getPath());
		if (!environment.matches()) {
			return NOT_FOUND;
		}
		vaultCalls.incrementAndGet();
		Map<String, Object> answer = vault.get(environment.group(1));
		String query = exchange.getRequestURI().getQuery();
		return (answer != null && query != null && query.contains("workspace_id="))
				? new Answer(200, JSON.writeValueAsString(answer)) : NOT_FOUND;
	}

	/** The vault's {@code GET /api/v1/internal/credentials/{id}/value}. */
	static Answer value(HttpExchange exchange) {
		Matcher value = VALUE.matcher(exchange.getRequestURI().getPath());
		if (!value.matches() || !values.containsKey(value.group(1))) {
			return NOT_FOUND;
		}
		return new Answer(200, JSON.writeValueAsString(Map.of("credential_id", value.group(1), "type", "API_KEY",
				"value", values.get(value.group(1)), "resolved_at", "2026-01-01T00:00:00Z")));
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		MissionStandIns.answer("/api/v1/internal/agents/", LlmStandIns::environment);
		MissionStandIns.answer("/api/v1/internal/credentials/", LlmStandIns::value);
		String providerUrl = providers().baseUrl();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("crewship.mission.llm.providers.anthropic.base-url", providerUrl);
		properties.put("crewship.mission.llm.providers.openai.base-url", providerUrl);
		properties.put("crewship.mission.llm.providers.anthropic.api-key", OPERATOR_KEY);
		properties.put("crewship.mission.llm.retry.initial-backoff", "20ms");
		// the in-test MCP server listens on 127.0.0.1, as crew-service's tests allow
		properties.put("crewship.mission.mcp.allow-private-endpoints", "true");
		properties.put("crewship.mission.mcp.call-timeout", "3s");
		properties.put("crewship.mission.mcp.max-tool-rounds", "3");
		properties.put("crewship.mission.llm.retry.max-backoff", "100ms");
		// tests of the shared context fail providers on purpose: the breaker (proven in
		// LlmRuntimeTests) must not carry that over to the next test
		properties.put("crewship.mission.llm.breaker.sliding-window-size", "1000");
		properties.put("crewship.mission.llm.breaker.minimum-number-of-calls", "1000");
		properties.put("crewship.mission.auxiliary.slots.curator.provider", "openai");
		properties.put("crewship.mission.auxiliary.slots.curator.model", "gpt-4o-mini");
		properties.put("crewship.mission.auxiliary.slots.curator.timeout", "30s");
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("llmTestStandIns", properties));
	}

}
