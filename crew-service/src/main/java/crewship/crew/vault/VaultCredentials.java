package crewship.crew.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * credential-vault-service's credential contract for integrations, through the gateway's
 * internal listener ({@code /api/v1/internal/credentials/**}, internal token): every
 * token, API key and OAuth client secret crew-service receives is handed to the vault at
 * once and only its id is kept here; a value is read back only for the moment a
 * connection test or a provider call needs it, never stored or logged. While the vault
 * cannot answer, callers get 503 with {@code Retry-After} and change nothing.
 */
@Component
public class VaultCredentials {

	static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(VaultCredentials.class);

	private static final String BASE = "/api/v1/internal/credentials";

	private final RestClient vault;

	private final JsonMapper json;

	VaultCredentials(@Qualifier("internalRestClient") RestClient vault, JsonMapper json) {
		this.vault = vault;
		this.json = json;
	}

	/** A credential as the vault describes it, without its value. */
	public record Credential(String id, String name, String type, String provider, String status, String username,
			Instant tokenExpiresAt, String oauthClientId, String oauthAuthUrl, String oauthTokenUrl,
			String oauthScopes) {

		static Credential of(JsonNode node) {
			JsonNode oauth = node.path("oauth");
			return new Credential(text(node, "id"), text(node, "name"), text(node, "type"), text(node, "provider"),
					text(node, "status"), text(node, "username"),
					node.hasNonNull("token_expires_at") ? Instant.parse(node.get("token_expires_at").asString()) : null,
					text(oauth, "client_id"), text(oauth, "auth_url"), text(oauth, "token_url"), text(oauth, "scopes"));
		}

	}

	/**
	 * A credential to create; {@code value} and {@code oauthClientSecret} travel to the
	 * vault and nowhere else.
	 */
	public record NewCredential(String name, String type, String provider, String value, String description,
			String username, String oauthClientId, String oauthClientSecret, String oauthAuthUrl, String oauthTokenUrl,
			String oauthScopes) {

		@Override
		public String toString() {
			return "NewCredential[" + this.name + ", " + this.type + ", " + this.provider + "]";
		}

	}

	/** A value read for one use. */
	public record Secret(String type, String username, String value) {

		@Override
		public String toString() {
			return "Secret[" + this.type + "]";
		}

	}

	/**
	 * @return the credential, or empty when the workspace holds no such live credential
	 */
	public Optional<Credential> find(String workspaceId, String credentialId) {
		JsonNode found = call("describe",
				() -> this.vault.get()
					.uri(BASE + "/{id}?workspace_id={ws}", credentialId, workspaceId)
					.exchange((request, response) -> (response.getStatusCode().value() == 404) ? null
							: body(response, "describe")));
		return Optional.ofNullable(found).map(Credential::of);
	}

	/** Seals a new credential (its name made unique when taken). */
	public Credential create(String workspaceId, String actor, NewCredential credential) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("workspace_id", workspaceId);
		body.put("actor", actor);
		body.put("name", credential.name());
		body.put("type", credential.type());
		body.put("provider", credential.provider());
		body.put("value", credential.value());
		body.put("description", credential.description());
		body.put("username", credential.username());
		body.put("oauth_client_id", credential.oauthClientId());
		body.put("oauth_client_secret", credential.oauthClientSecret());
		body.put("oauth_auth_url", credential.oauthAuthUrl());
		body.put("oauth_token_url", credential.oauthTokenUrl());
		body.put("oauth_scopes", credential.oauthScopes());
		body.put("provisioned_for_service", "crew-service");
		body.put("rename_on_conflict", true);
		return Credential.of(call("create",
				() -> this.vault.post()
					.uri(BASE)
					.contentType(MediaType.APPLICATION_JSON)
					.body(body)
					.exchange((request, response) -> body(response, "create"))));
	}

	/** Deletes it (scrubbing its values); a credential already gone is fine. */
	public void delete(String workspaceId, String credentialId, String actor) {
		call("delete",
				() -> this.vault.delete()
					.uri(BASE + "/{id}?workspace_id={ws}&actor={actor}", credentialId, workspaceId,
							(actor != null) ? actor : "")
					.exchange((request, response) -> {
						if (response.getStatusCode().value() != 404) {
							expectOk(response, "delete");
						}
						return Boolean.TRUE;
					}));
	}

	/**
	 * The value, for one connection test or provider call (the vault journals it as a
	 * use). Empty when the credential is gone or not deliverable (pending, revoked).
	 */
	public Optional<Secret> value(String workspaceId, String credentialId) {
		JsonNode found = call("value",
				() -> this.vault.get()
					.uri(BASE + "/{id}/value?workspace_id={ws}", credentialId, workspaceId)
					.exchange((request, response) -> {
						int status = response.getStatusCode().value();
						return (status == 404 || status == 409 || status == 400 || status == 403) ? null
								: body(response, "value");
					}));
		if (found == null || !found.hasNonNull("value")) {
			return Optional.empty();
		}
		return Optional.of(new Secret(text(found, "type"), text(found, "username"), found.get("value").asString()));
	}

	/**
	 * Opens an OAuth authorization; the answer is the provider URL to send the user to.
	 */
	public String authorize(String workspaceId, String credentialId, String stateId, String state, String redirectUri,
			Instant expiresAt) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("workspace_id", workspaceId);
		body.put("state_id", stateId);
		body.put("state", state);
		body.put("redirect_uri", redirectUri);
		body.put("expires_at", expiresAt.toString());
		JsonNode answer = call("authorize",
				() -> this.vault.post()
					.uri(BASE + "/{id}/oauth/authorize", credentialId)
					.contentType(MediaType.APPLICATION_JSON)
					.body(body)
					.exchange((request, response) -> body(response, "authorize")));
		return answer.get("auth_url").asString();
	}

	/** Trades the code for tokens, which stay in the vault. */
	public Map<String, Object> exchange(String workspaceId, String credentialId, String actor, String code,
			String redirectUri, String stateId, String codeVerifier) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("workspace_id", workspaceId);
		body.put("actor", actor);
		body.put("code", code);
		body.put("redirect_uri", redirectUri);
		body.put("state_id", stateId);
		body.put("code_verifier", codeVerifier);
		JsonNode answer = call("exchange",
				() -> this.vault.post()
					.uri(BASE + "/{id}/oauth/exchange", credentialId)
					.contentType(MediaType.APPLICATION_JSON)
					.body(body)
					.exchange((request, response) -> body(response, "exchange")));
		Map<String, Object> result = new LinkedHashMap<>();
		answer.properties().forEach(entry -> result.put(entry.getKey(), entry.getValue().asString()));
		return result;
	}

	private JsonNode body(ClientHttpResponse response, String what) throws java.io.IOException {
		expectOk(response, what);
		byte[] bytes = response.getBody().readAllBytes();
		return (bytes.length == 0) ? this.json.createObjectNode() : this.json.readTree(bytes);
	}

	/**
	 * 5xx is the vault (or its breaker) being unavailable; 400/404/409/502 are the
	 * vault's answer about this request, passed on with its detail.
	 */
	private void expectOk(ClientHttpResponse response, String what) throws java.io.IOException {
		int status = response.getStatusCode().value();
		if (status >= 200 && status < 300) {
			return;
		}
		String detail = detail(response);
		if (status == 502) {
			throw new ProblemException(HttpStatus.BAD_GATEWAY, detail);
		}
		if (status >= 500) {
			throw unavailable(what, "answered " + status);
		}
		if (status == 400 || status == 404 || status == 409) {
			throw new ProblemException(HttpStatus.valueOf(status), detail);
		}
		log.error("credential-vault-service refused {}: {}", what, status);
		throw new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR,
				"The credential vault refused the request (" + status + "); nothing was changed");
	}

	private String detail(ClientHttpResponse response) throws java.io.IOException {
		int status = response.getStatusCode().value();
		try {
			JsonNode problem = this.json.readTree(response.getBody().readNBytes(8192));
			if (problem != null && problem.hasNonNull("detail")) {
				return problem.get("detail").asString();
			}
		}
		catch (RuntimeException | java.io.IOException ex) {
			// no readable problem
		}
		return "The credential vault answered " + status;
	}

	private static <T> T call(String what, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (RestClientException ex) {
			if (ex.getCause() instanceof ProblemException problem) {
				throw problem;
			}
			throw unavailable(what, ex.getClass().getSimpleName());
		}
	}

	private static ProblemException unavailable(String what, String why) {
		log.warn("Credential {} in credential-vault-service failed: {}", what, why);
		return ProblemException.unavailable(
				"The credential vault, which keeps integration secrets, is unavailable; nothing was changed, retry shortly",
				RETRY_AFTER);
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

}
