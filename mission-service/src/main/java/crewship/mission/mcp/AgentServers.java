package crewship.mission.mcp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import tools.jackson.databind.JsonNode;

/**
 * What a run needs to reach an agent's MCP servers, through the gateway's internal
 * listener: the servers from crew-service ({@code GET
 * /api/v1/internal/agents/{id}/mcp-servers}, resolved agent &gt; crew &gt; workspace) and
 * each bound credential's value from credential-vault-service ({@code GET
 * /api/v1/internal/credentials/{id}/value}, journaled there as a use by the agent's run)
 * — as crew-service's connection test presents it. A value is held only while the run's
 * connection lives; it is never stored or logged.
 */
class AgentServers {

	private static final Logger log = LoggerFactory.getLogger(AgentServers.class);

	private final RestClient internal;

	AgentServers(RestClient internal) {
		this.internal = internal;
	}

	/**
	 * One effective server of the agent. Its tools come from its live {@code tools/list}
	 * (what the crew stored may be stale): all but {@code disabledTools}, as a tool
	 * without a stored row is enabled in crew-service.
	 */
	record Server(String id, String scope, String name, String transport, String endpoint, Map<String, String> headers,
			String credentialId, String credType, String credHeader, Set<String> disabledTools) {

		@Override
		public String toString() {
			return "Server[" + this.id + ", " + this.scope + ", " + this.name + "]";
		}

	}

	/** Why the servers could not be had; holds no secret. */
	static final class Unavailable extends Exception {

		Unavailable(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * @return the agent's servers; empty when crew-service knows no such agent
	 */
	List<Server> servers(String workspaceId, String agentId) throws Unavailable, InterruptedException {
		JsonNode answer = get("crew-service", "/api/v1/internal/agents/{agent}/mcp-servers?workspace_id={ws}", agentId,
				workspaceId);
		if (answer == null) {
			return List.of();
		}
		List<Server> servers = new ArrayList<>();
		for (JsonNode server : answer.path("servers")) {
			Map<String, String> headers = new LinkedHashMap<>();
			server.path("headers")
				.properties()
				.forEach(header -> headers.put(header.getKey(), header.getValue().asString("")));
			Set<String> disabled = new LinkedHashSet<>();
			server.path("disabled_tools").forEach(name -> disabled.add(name.asString("")));
			servers.add(new Server(text(server, "server_id"), text(server, "scope"), text(server, "name"),
					text(server, "transport"), text(server, "endpoint"), headers, text(server, "credential_id"),
					text(server, "cred_type"), text(server, "cred_header"), disabled));
		}
		return servers;
	}

	/**
	 * The headers presenting the server's credential ({@code bearer}, {@code api_key} or
	 * {@code basic}); empty without one.
	 * @throws Unavailable when the vault cannot deliver it (gone, not active, down)
	 */
	Map<String, String> credentialHeaders(String workspaceId, String agentId, String runId, Server server)
			throws Unavailable, InterruptedException {
		if (server.credentialId() == null) {
			return Map.of();
		}
		JsonNode secret = get("the credential vault",
				"/api/v1/internal/credentials/{id}/value?workspace_id={ws}&agent_id={agent}&run_id={run}",
				server.credentialId(), workspaceId, agentId, (runId != null) ? runId : "");
		if (secret == null || !secret.hasNonNull("value")) {
			throw new Unavailable("its credential is missing or not active");
		}
		String value = secret.get("value").asString();
		String header = (server.credHeader() != null && !server.credHeader().isBlank()) ? server.credHeader() : null;
		String type = (server.credType() != null) ? server.credType().toLowerCase(Locale.ROOT) : "bearer";
		return switch (type) {
			case "api_key" -> Map.of((header != null) ? header : "X-API-Key", value);
			case "basic" -> {
				String username = text(secret, "username");
				yield Map.of("Authorization", "Basic " + Base64.getEncoder()
					.encodeToString(
							((username != null) ? username + ":" + value : value).getBytes(StandardCharsets.UTF_8)));
			}
			default -> Map.of((header != null) ? header : "Authorization", "Bearer " + value);
		};
	}

	/** The answer, null for a 404 (or a refusal to deliver: 400, 403, 409). */
	private JsonNode get(String service, String uri, Object... variables) throws Unavailable, InterruptedException {
		try {
			return this.internal.get().uri(uri, variables).exchange((request, response) -> {
				int status = response.getStatusCode().value();
				if (status == 404 || status == 400 || status == 403 || status == 409) {
					return null;
				}
				if (!response.getStatusCode().is2xxSuccessful()) {
					throw new Answered(status);
				}
				return response.bodyTo(JsonNode.class);
			});
		}
		catch (Answered ex) {
			throw new Unavailable(service + " answered " + ex.status);
		}
		catch (RestClientException ex) {
			if (Thread.currentThread().isInterrupted()) {
				throw new InterruptedException("Interrupted while asking " + service);
			}
			log.warn("{} unreachable for MCP servers: {}", service, ex.getClass().getSimpleName());
			throw new Unavailable(service + " could not be reached");
		}
		catch (RuntimeException ex) {
			log.warn("{} answer unreadable for MCP servers: {}", service, ex.getClass().getSimpleName());
			throw new Unavailable(service + "'s answer could not be read");
		}
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	private static final class Answered extends RuntimeException {

		final int status;

		Answered(int status) {
			super(null, null, false, false);
			this.status = status;
		}

	}

}
