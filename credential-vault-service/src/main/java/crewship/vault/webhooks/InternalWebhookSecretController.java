package crewship.vault.webhooks;

import java.util.Locale;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.ProblemException;
import crewship.vault.internal.InternalCallers;
import crewship.vault.webhooks.WebhookSecrets.Kind;

/**
 * {@code /api/v1/internal/webhook-secrets/{agents|pipelines}/{id}}, for internal callers
 * only: crew-service mints and rotates agent secrets (and relays the value once),
 * webhook-service pipeline secrets, and the gateway asks for a verdict on a delivery —
 * the raw body as the request body and the sender's headers as they came — so the secret
 * never leaves the vault to be checked.
 */
@RestController
class InternalWebhookSecretController {

	private final WebhookSecrets secrets;

	InternalWebhookSecretController(WebhookSecrets secrets) {
		this.secrets = secrets;
	}

	/**
	 * @param requireTimestamp the agent's {@code webhook_require_timestamp}, set with the
	 * secret so a mint also repairs a policy that drifted; null keeps the stored one
	 * @param enabled whether the target takes deliveries (pipeline webhooks; null: yes)
	 */
	record MintRequest(@NotBlank String workspaceId, String actor, String signingSecret, Boolean requireTimestamp,
			Boolean enabled) {
	}

	/**
	 * Either part may be left out; at least one is given.
	 *
	 * @param workspaceId the target's workspace: with it, a target without a secret yet
	 * gets its policy stored for the secret to come; without it, only a known target's
	 * policy is changed (404 otherwise)
	 */
	record Policy(Boolean requireTimestamp, Boolean enabled, String workspaceId) {
	}

	@PostMapping("/api/v1/internal/webhook-secrets/{kind}/{targetId}")
	ResponseEntity<WebhookSecrets.Minted> mint(@PathVariable String kind, @PathVariable String targetId,
			@Valid @RequestBody MintRequest body, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.secrets.mint(kind(kind), targetId, body.workspaceId(), body.actor(), body.signingSecret(),
					body.requireTimestamp(), !Boolean.FALSE.equals(body.enabled())));
	}

	@GetMapping("/api/v1/internal/webhook-secrets/{kind}/{targetId}")
	Map<String, Object> status(@PathVariable String kind, @PathVariable String targetId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return Map.of("target_id", targetId, "webhook_secret_set", this.secrets.isSet(kind(kind), targetId));
	}

	@PutMapping("/api/v1/internal/webhook-secrets/{kind}/{targetId}/policy")
	Map<String, Object> policy(@PathVariable String kind, @PathVariable String targetId,
			@Valid @RequestBody Policy body, IdentityAssertion caller) {
		InternalCallers.require(caller);
		if (body.requireTimestamp() == null && body.enabled() == null) {
			throw ProblemException.badRequest("require_timestamp or enabled is required");
		}
		WebhookSecrets.Policy policy = this.secrets.policy(kind(kind), targetId, body.workspaceId(),
				body.requireTimestamp(), body.enabled());
		return Map.of("target_id", targetId, "require_timestamp", policy.requireTimestamp(), "enabled",
				policy.enabled());
	}

	@DeleteMapping("/api/v1/internal/webhook-secrets/{kind}/{targetId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String kind, @PathVariable String targetId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		this.secrets.delete(kind(kind), targetId);
	}

	/**
	 * Always 200 when the question was understood: the verdict, and the status the
	 * gateway should answer with, are the payload.
	 */
	@PostMapping("/api/v1/internal/webhook-secrets/{kind}/{targetId}/verify")
	Map<String, Object> verify(@PathVariable String kind, @PathVariable String targetId,
			@RequestBody(required = false) byte[] body,
			@RequestHeader(name = "X-Signature", required = false) String signature,
			@RequestHeader(name = "X-Timestamp", required = false) String timestamp,
			@RequestHeader(name = "X-Webhook-Secret", required = false) String plaintext,
			@RequestHeader(name = "X-Crewship-Signature", required = false) String pipelineSignature,
			@RequestHeader(name = "X-Crewship-Timestamp", required = false) String pipelineTimestamp,
			IdentityAssertion caller) {
		InternalCallers.require(caller);
		Kind target = kind(kind);
		SignatureVerifier.Presented presented = (target == Kind.PIPELINE)
				? new SignatureVerifier.Presented(body, pipelineSignature, pipelineTimestamp, null)
				: new SignatureVerifier.Presented(body, signature, timestamp, plaintext);
		SignatureVerifier.Verdict verdict = this.secrets.verify(target, targetId, presented);
		return Map.of("valid", verdict.valid(), "status", verdict.status(), "reason", verdict.reason(), "deprecated",
				verdict.deprecated(), "target", target.ownerType + ":" + targetId);
	}

	private static Kind kind(String kind) {
		return switch (kind.toLowerCase(Locale.ROOT)) {
			case "agents" -> Kind.AGENT;
			case "pipelines" -> Kind.PIPELINE;
			default -> throw ProblemException.notFound("No endpoint");
		};
	}

}
