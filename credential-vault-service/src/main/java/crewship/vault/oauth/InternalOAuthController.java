package crewship.vault.oauth;

import java.time.Instant;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.vault.internal.InternalCallers;

/**
 * {@code /api/v1/internal/credentials/{id}/oauth/*}: crew-service's OAuth endpoints ask
 * here to open an authorization (PKCE verifier minted and sealed here) and to trade a
 * code for tokens (which never leave). Internal callers only.
 */
@RestController
class InternalOAuthController {

	private final OAuthAuthorizations authorizations;

	InternalOAuthController(OAuthAuthorizations authorizations) {
		this.authorizations = authorizations;
	}

	/**
	 * @param stateId crew-service's id of the state (the state itself is only echoed into
	 * the URL)
	 */
	record Authorize(@NotBlank String workspaceId, @NotBlank @Size(max = 64) String stateId,
			@NotBlank @Size(max = 512) String state, @NotBlank @Size(max = 2048) String redirectUri,
			Instant expiresAt) {
	}

	record Exchange(@NotBlank String workspaceId, String actor, @NotBlank @Size(max = 4096) String code,
			@Size(max = 2048) String redirectUri, @Size(max = 64) String stateId,
			@Size(min = 43, max = 128) String codeVerifier) {
	}

	@PostMapping("/api/v1/internal/credentials/{credentialId}/oauth/authorize")
	Map<String, Object> authorize(@PathVariable String credentialId, @Valid @RequestBody Authorize body,
			IdentityAssertion caller) {
		InternalCallers.require(caller);
		return this.authorizations.authorize(body.workspaceId(), credentialId, body.stateId(), body.state(),
				body.redirectUri(), body.expiresAt());
	}

	@PostMapping("/api/v1/internal/credentials/{credentialId}/oauth/exchange")
	ResponseEntity<Map<String, Object>> exchange(@PathVariable String credentialId, @Valid @RequestBody Exchange body,
			IdentityAssertion caller) {
		InternalCallers.require(caller);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.authorizations.exchange(body.workspaceId(), credentialId, body.actor(), body.code(),
					body.redirectUri(), body.stateId(), body.codeVerifier()));
	}

}
