package crewship.crew.oauth;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import crewship.crew.integrations.Integrations;
import crewship.crew.integrations.ServerDefinition;
import crewship.crew.integrations.ServerRequests.CreateServer;
import crewship.crew.integrations.ServerRequests.Provisioning;
import crewship.crew.integrations.WorkspaceServer;
import crewship.crew.mcp.OutboundHttp;
import crewship.crew.vault.VaultCredentials;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An MCP server that drives its own OAuth (MCP authorization): discover its authorization
 * server, register Crewship as a client there (RFC 7591) when it allows, seal the client
 * in the vault, create the workspace integration pointing at the server with that
 * credential, and start the user's authorization. Without dynamic registration the caller
 * gets the endpoints and must bring a client id.
 */
@Service
public class AutoConnect {

	private static final Logger log = LoggerFactory.getLogger(AutoConnect.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final OAuthDiscovery discovery;

	private final OutboundHttp http;

	private final VaultCredentials vault;

	private final Integrations integrations;

	private final OAuthFlows flows;

	private final OAuthProperties properties;

	AutoConnect(OAuthDiscovery discovery, OutboundHttp http, VaultCredentials vault, Integrations integrations,
			OAuthFlows flows, OAuthProperties properties) {
		this.discovery = discovery;
		this.http = http;
		this.vault = vault;
		this.integrations = integrations;
		this.flows = flows;
		this.properties = properties;
	}

	public Map<String, Object> connect(Scope scope, String mcpUrl, String serverName, String providerHint) {
		OAuthDiscovery.Discovered found;
		try {
			found = this.discovery.discover(mcpUrl, providerHint);
		}
		catch (ProblemException ex) {
			if (ex.getStatusCode().value() == 404) {
				throw ProblemException.badRequest(ex.getBody().getDetail());
			}
			throw ex;
		}
		String name = (serverName != null && !serverName.isBlank()) ? serverName.trim() : "mcp-server";
		if (!name.matches(crewship.crew.integrations.ServerRequests.NAME)) {
			throw ProblemException.badRequest("server_name must start with a letter or digit and hold only letters, "
					+ "digits, '.', '_' and '-'");
		}
		String callback = this.properties.callback();
		if (!found.supportsDcr() || callback == null) {
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("status", "needs_client_id");
			answer.put("auth_url", found.authUrl());
			answer.put("token_url", found.tokenUrl());
			answer.put("scopes", String.join(" ", found.scopes()));
			answer.put("message", (callback == null)
					? "This instance has no public URL (CREWSHIP_PUBLIC_URL) to register as a redirect; create an OAuth client and an OAUTH2 credential, then start it with /api/v1/oauth/initiate"
					: "The authorization server does not offer dynamic client registration; register a client, store it as an OAUTH2 credential and start it with /api/v1/oauth/initiate");
			return answer;
		}
		Map<String, String> client = register(found, callback);
		VaultCredentials.Credential credential = this.vault.create(scope.workspaceId(), scope.userId(),
				new VaultCredentials.NewCredential(name + " OAuth", "OAUTH2",
						(found.provider() != null) ? found.provider().toUpperCase(Locale.ROOT) : "MCP", null,
						"OAuth client registered by Crewship for " + URI.create(mcpUrl.trim()).getHost(), null,
						client.get("client_id"), client.get("client_secret"), found.authUrl(), found.tokenUrl(),
						String.join(" ", found.scopes())));
		WorkspaceServer server;
		OAuthFlows.Started started;
		try {
			server = this.integrations.createServer(scope,
					new CreateServer(name, null, ServerDefinition.STREAMABLE_HTTP, mcpUrl.trim(), null, null, null,
							null, null, null),
					new Provisioning(credential.id(), "bearer", null, "pending", "oauth", true), true);
			started = this.flows.initiate(scope.workspaceId(), scope.userId(), credential.id(), null, "auto_connect");
		}
		catch (RuntimeException ex) {
			forget(scope, credential.id());
			throw ex;
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("status", "authorize");
		answer.put("auth_url", started.authUrl());
		answer.put("state", started.state());
		answer.put("credential_id", credential.id());
		answer.put("integration_id", server.getId());
		return answer;
	}

	/** RFC 7591: a public client (PKCE) for the backend callback. */
	private Map<String, String> register(OAuthDiscovery.Discovered found, String callback) {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("client_name", "Crewship");
		request.put("redirect_uris", List.of(callback));
		request.put("grant_types", List.of("authorization_code", "refresh_token"));
		request.put("response_types", List.of("code"));
		request.put("token_endpoint_auth_method", "none");
		if (!found.scopes().isEmpty()) {
			request.put("scope", String.join(" ", found.scopes()));
		}
		OutboundHttp.Answer answer;
		try {
			answer = this.http.send("POST", URI.create(found.registrationEndpoint()),
					Map.of("Accept", "application/json"), "application/json", JSON.writeValueAsString(request), true);
		}
		catch (OutboundHttp.Unreachable ex) {
			throw ProblemException.badRequest("Client registration failed: " + ex.getMessage());
		}
		catch (IllegalArgumentException ex) {
			throw ProblemException.badRequest("The registration endpoint is not a URL");
		}
		JsonNode registered = answer.json().orElse(null);
		if (!answer.ok() || registered == null || !registered.hasNonNull("client_id")) {
			throw ProblemException.badRequest("Client registration was refused (HTTP " + answer.status() + ")");
		}
		Map<String, String> client = new LinkedHashMap<>();
		client.put("client_id", registered.get("client_id").asString());
		client.put("client_secret",
				registered.hasNonNull("client_secret") ? registered.get("client_secret").asString() : null);
		return client;
	}

	private void forget(Scope scope, String credentialId) {
		try {
			this.vault.delete(scope.workspaceId(), credentialId, scope.userId());
		}
		catch (RuntimeException ex) {
			log.warn("Could not remove the OAuth client credential {} of a failed auto-connect: {}", credentialId,
					(ex instanceof ProblemException problem
							&& problem.getStatusCode() != HttpStatus.INTERNAL_SERVER_ERROR)
									? problem.getBody().getDetail() : ex.toString());
		}
	}

}
