package crewship.webhook.pipelines;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import crewship.platform.web.ProblemException;

/**
 * credential-vault-service's keeping of pipeline-webhook signing secrets, through the
 * gateway's internal listener. The vault mints (or seals the client's) secret and hands
 * it back once; webhook-service relays it in the 201 and never stores it. The vault knows
 * a webhook by its token's SHA-256 — the id the gateway asks it about on each delivery.
 */
@Component
class SigningSecretVault {

	private static final Logger log = LoggerFactory.getLogger(SigningSecretVault.class);

	private static final String PATH = "/api/v1/internal/webhook-secrets/pipelines/{tokenSha256}";

	private final RestClient internal;

	SigningSecretVault(@Qualifier("internalRestClient") RestClient internal) {
		this.internal = internal;
	}

	/**
	 * @param signingSecret the client's own secret, or null for one the vault generates
	 * @return the secret, to be shown once
	 * @throws ProblemException 503 when the vault cannot take it
	 */
	String mint(String tokenSha256, String workspaceId, String actor, String signingSecret, boolean enabled) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("workspace_id", workspaceId);
		body.put("actor", actor);
		body.put("signing_secret", signingSecret);
		body.put("enabled", enabled);
		Map<?, ?> minted = call("store the signing secret",
				() -> this.internal.post()
					.uri(PATH, tokenSha256)
					.body(body)
					.retrieve()
					.onStatus(HttpStatusCode::isError, (request, response) -> {
						throw new VaultRefused(response.getStatusCode());
					})
					.body(Map.class));
		Object secret = (minted != null) ? minted.get("secret") : null;
		if (!(secret instanceof String value) || value.isBlank()) {
			throw unavailable("store the signing secret", null);
		}
		return value;
	}

	/** Deletes the secret: a delivery to the token is then 404 at the gateway. */
	void delete(String tokenSha256) {
		call("delete the signing secret",
				() -> this.internal.delete()
					.uri(PATH, tokenSha256)
					.retrieve()
					.onStatus(HttpStatusCode::isError, (request, response) -> {
						throw new VaultRefused(response.getStatusCode());
					})
					.toBodilessEntity());
	}

	private <T> T call(String what, java.util.function.Supplier<T> call) {
		try {
			return call.get();
		}
		catch (VaultRefused ex) {
			throw unavailable(what, ex);
		}
		catch (RestClientException ex) {
			throw unavailable(what, ex);
		}
	}

	/**
	 * Whatever the cause (vault down, misconfigured, refusing), the caller can only retry
	 * later: the page's "creation requires encrypted credential storage".
	 */
	private static ProblemException unavailable(String what, Exception cause) {
		log.warn("credential-vault-service could not {}: {}", what, (cause != null) ? cause.toString() : "no secret");
		ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
				"Encrypted credential storage is unavailable, so the webhook's signing secret cannot be kept; "
						+ "retry later");
		problem.getHeaders().set("Retry-After", "5");
		return problem;
	}

	private static final class VaultRefused extends RuntimeException {

		VaultRefused(HttpStatusCode status) {
			super("credential-vault-service answered " + status);
		}

	}

}
