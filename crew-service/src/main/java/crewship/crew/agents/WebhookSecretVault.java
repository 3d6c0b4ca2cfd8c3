package crewship.crew.agents;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import crewship.platform.web.ProblemException;

/**
 * credential-vault-service's agent webhook-secret contract, reached through the gateway's
 * internal listener ({@code /api/v1/internal/webhook-secrets/agents/{id}}, internal
 * token). The platform's internal client bounds every call (2 s to connect, 5 s to
 * answer), and the gateway's breaker on that route answers at once while the vault is
 * down; whatever keeps the vault from answering becomes a 503 with {@code Retry-After},
 * so the caller's change is rolled back and can be retried. A refusal (4xx: no internal
 * token configured, or the agent's id held by another workspace) is the page's 500.
 */
@Component
class WebhookSecretVault {

	static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(WebhookSecretVault.class);

	private static final String AGENT = "/api/v1/internal/webhook-secrets/agents/{agentId}";

	private final RestClient vault;

	WebhookSecretVault(@Qualifier("internalRestClient") RestClient vault) {
		this.vault = vault;
	}

	/** A fresh secret, as the vault returns it once. */
	record Minted(String targetId, String secret, Instant rotatedAt) {
	}

	/**
	 * Mints a new secret for the agent: the previous one stops validating when this
	 * returns. The agent's timestamp policy travels with it, so a rotation also repairs a
	 * policy the vault lost.
	 * @throws ProblemException 503 when the vault cannot answer
	 */
	Minted rotate(String workspaceId, String agentId, String actor, boolean requireTimestamp) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("workspace_id", workspaceId);
		body.put("actor", actor);
		body.put("require_timestamp", requireTimestamp);
		Minted minted = call("rotate",
				() -> this.vault.post()
					.uri(AGENT, agentId)
					.contentType(MediaType.APPLICATION_JSON)
					.body(body)
					.exchange((request, response) -> {
						expectOk(response.getStatusCode(), "rotate");
						return response.bodyTo(Minted.class);
					}));
		if (minted == null || minted.secret() == null || minted.rotatedAt() == null) {
			throw unavailable("rotate", "answered without a secret");
		}
		return minted;
	}

	/**
	 * Sets the agent's {@code webhook_require_timestamp} in the vault, which judges the
	 * deliveries; also before the agent has a secret.
	 * @throws ProblemException 503 when the vault cannot answer
	 */
	void requireTimestamp(String workspaceId, String agentId, boolean required) {
		call("policy",
				() -> this.vault.put()
					.uri(AGENT + "/policy", agentId)
					.contentType(MediaType.APPLICATION_JSON)
					.body(Map.of("workspace_id", workspaceId, "require_timestamp", required))
					.exchange((request, response) -> {
						expectOk(response.getStatusCode(), "policy");
						return Boolean.TRUE;
					}));
	}

	private static void expectOk(HttpStatusCode status, String what) {
		if (status.is5xxServerError()) {
			throw unavailable(what, "answered " + status.value()); // down, or its breaker
																	// open
		}
		if (!status.is2xxSuccessful()) {
			// not transient: the internal route is not configured (token), or the vault
			// knows the agent's id in another workspace. Nothing changed there.
			log.error("Webhook secret {} refused by credential-vault-service: {}", what, status.value());
			throw new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR,
					"Secret storage is not configured or failed (the credential vault answered " + status.value()
							+ "); nothing was changed");
		}
	}

	private static <T> T call(String what, java.util.function.Supplier<T> call) {
		try {
			return call.get();
		}
		catch (RestClientException ex) {
			throw unavailable(what, ex.toString());
		}
	}

	private static ProblemException unavailable(String what, String why) {
		log.warn("Webhook secret {} in credential-vault-service failed: {}", what, why);
		return ProblemException.unavailable(
				"The credential vault, which keeps webhook signing secrets, is unavailable; nothing was changed, retry shortly",
				RETRY_AFTER);
	}

}
