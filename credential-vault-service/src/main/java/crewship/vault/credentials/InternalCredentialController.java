package crewship.vault.credentials;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.ProblemException;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.crypto.SealedSecrets.Owner;
import crewship.vault.internal.InternalCallers;

/**
 * {@code /api/v1/internal/credentials[/{id}]} for crew-service's integrations: a
 * connector install's token, a Composio API key or an OAuth client registered by
 * auto-connect is sealed here the moment crew-service receives it (crew-service keeps
 * only the id), can be described without its value, and is deleted with the integration
 * that made it. Internal callers only; the acting user is named in the body for the
 * journal.
 */
@RestController
class InternalCredentialController {

	private static final int MAX_RENAMES = 50;

	private final Credentials credentials;

	private final CredentialRepository repository;

	private final SealedSecrets secrets;

	InternalCredentialController(Credentials credentials, CredentialRepository repository, SealedSecrets secrets) {
		this.credentials = credentials;
		this.repository = repository;
		this.secrets = secrets;
	}

	/**
	 * @param renameOnConflict take the first free {@code name (n)} instead of answering
	 * 409 when the name is taken (a name made up by crew-service, not typed by a person)
	 */
	record Provision(@NotBlank String workspaceId, @NotBlank String actor, @NotBlank @Size(max = 255) String name,
			String type, @Size(max = 100) String provider, @Size(max = CreateCredential.MAX_VALUE) String value,
			@Size(max = 2000) String description, @Size(max = 255) String username,
			@Size(max = 255) String oauthClientId, @Size(max = CreateCredential.MAX_VALUE) String oauthClientSecret,
			@Size(max = 2048) String oauthAuthUrl, @Size(max = 2048) String oauthTokenUrl,
			@Size(max = 2048) String oauthScopes, @Size(max = 200) String provisionedForService,
			Boolean renameOnConflict) {
	}

	@PostMapping("/api/v1/internal/credentials")
	@ResponseStatus(HttpStatus.CREATED)
	@Transactional
	Map<String, Object> provision(@Valid @RequestBody Provision body, IdentityAssertion caller) {
		InternalCallers.require(caller);
		String name = body.name().trim();
		if (Boolean.TRUE.equals(body.renameOnConflict())) {
			String base = name;
			for (int n = 2; this.repository.nameTaken(body.workspaceId(), name); n++) {
				if (n > MAX_RENAMES) {
					throw ProblemException.conflict("No free credential name like '" + base + "'");
				}
				name = base + " (" + n + ")";
			}
		}
		CredentialView created = this.credentials.create(body.workspaceId(), body.actor(),
				new RequestOrigin(null, "internal:" + body.provisionedForService()),
				new CreateCredential(name, body.value(), body.description(), body.type(), body.provider(), null, null,
						null, null, null, null, body.username(), null, null, null, body.oauthClientId(),
						body.oauthClientSecret(), body.oauthAuthUrl(), body.oauthTokenUrl(), body.oauthScopes(), null,
						"user", body.actor(), body.provisionedForService()));
		return describe(this.credentials.find(body.workspaceId(), created.id()));
	}

	/** The credential without its value: what an integration shows and needs to route. */
	@GetMapping("/api/v1/internal/credentials/{credentialId}")
	@Transactional(readOnly = true)
	Map<String, Object> get(@PathVariable String credentialId, @RequestParam("workspace_id") String workspaceId,
			IdentityAssertion caller) {
		InternalCallers.require(caller);
		return describe(this.credentials.find(workspaceId, credentialId));
	}

	@DeleteMapping("/api/v1/internal/credentials/{credentialId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String credentialId, @RequestParam("workspace_id") String workspaceId,
			@RequestParam(name = "actor", required = false) String actor, IdentityAssertion caller) {
		InternalCallers.require(caller);
		this.credentials.delete(workspaceId, credentialId, actor, new RequestOrigin(null, "internal"));
	}

	private Map<String, Object> describe(Credential credential) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", credential.getId());
		view.put("workspace_id", credential.getWorkspaceId());
		view.put("name", credential.getName());
		view.put("type", credential.getType());
		view.put("provider", credential.getProvider());
		view.put("status", credential.getStatus());
		view.put("username", credential.getUsername());
		Instant expires = credential.getTokenExpiresAt();
		view.put("token_expires_at", (expires != null) ? expires.toString() : null);
		Map<String, Object> oauth = new LinkedHashMap<>();
		oauth.put("client_id", credential.getOauthClientId());
		oauth.put("auth_url", credential.getOauthAuthUrl());
		oauth.put("token_url", credential.getOauthTokenUrl());
		oauth.put("scopes", credential.getOauthScopes());
		oauth.put("has_client_secret",
				this.secrets.exists(new Owner(Credential.OAUTH_CLIENT_SECRET, credential.getId())));
		oauth.put("has_refresh_token", this.secrets.exists(new Owner(Credential.REFRESH_TOKEN, credential.getId())));
		view.put("oauth", oauth);
		return view;
	}

}
