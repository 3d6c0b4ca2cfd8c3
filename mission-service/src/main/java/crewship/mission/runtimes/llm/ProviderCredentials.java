package crewship.mission.runtimes.llm;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import tools.jackson.databind.JsonNode;

/**
 * An agent's provider key for one run, from credential-vault-service's internal
 * resolution ({@code GET /api/v1/internal/agents/{id}/credentials}, through the gateway's
 * internal listener with the internal token): the agent's resolved slots with their
 * values. The provider's slot (e.g. {@code ANTHROPIC_API_KEY}) wins; else a delivered
 * credential whose provider is the one asked for. The value is held only for the call,
 * never stored or logged.
 * <p>
 * A burst of runs must not turn into a burst of failures: at most {@code concurrency}
 * lookups of a replica are in flight (the others wait their turn), and a vault that is
 * busy or briefly away (429, 502–504, a refused connection) is asked again with doubling
 * backoff, {@code Retry-After} honoured, for at most {@code attempts} calls. With 1,000
 * runs starting at once the vault had answered most lookups 503 and their runs had gone
 * to the local runtime.
 */
public class ProviderCredentials {

	private static final Logger log = LoggerFactory.getLogger(ProviderCredentials.class);

	private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

	private final RestClient vault;

	private final Semaphore inFlight;

	private final int attempts;

	public ProviderCredentials(RestClient vault) {
		this(vault, 16, 4);
	}

	public ProviderCredentials(RestClient vault, int concurrency, int attempts) {
		this.vault = vault;
		this.inFlight = new Semaphore(concurrency, true);
		this.attempts = Math.max(1, attempts);
	}

	/** What the vault has for the agent and provider. */
	public sealed interface Lookup {

	}

	/** A key delivered for this run (its value never in {@code toString}). */
	public record Key(String credentialId, String slot, String value) implements Lookup {

		@Override
		public String toString() {
			return "Key[" + this.credentialId + ", " + this.slot + "]";
		}

	}

	/**
	 * No usable key: {@code skipped} when the slot is bound to a credential the vault
	 * will not deliver (revoked, pending, in error).
	 */
	public record None(boolean skipped) implements Lookup {
	}

	/** The vault could not answer; {@code why} holds no secret. */
	public record Unavailable(String why) implements Lookup {
	}

	public Lookup find(String workspaceId, String agentId, String runId, LlmProperties.Named provider)
			throws InterruptedException {
		Duration backoff = FIRST_BACKOFF;
		for (int attempt = 1;; attempt++) {
			Answer answer;
			this.inFlight.acquire();
			try {
				answer = ask(workspaceId, agentId, runId);
			}
			finally {
				this.inFlight.release();
			}
			if (!(answer.lookup() instanceof Unavailable) || !answer.retryable() || attempt >= this.attempts) {
				return (answer.environment() != null) ? pick(answer.environment(), provider) : answer.lookup();
			}
			Duration wait = (answer.retryAfter() != null && answer.retryAfter().compareTo(MAX_BACKOFF) <= 0)
					? answer.retryAfter() : backoff;
			log.debug("Credential vault busy for agent {} ({}); asking again in {}", agentId,
					((Unavailable) answer.lookup()).why(), wait);
			Thread.sleep(wait);
			backoff = (backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : backoff.multipliedBy(2);
		}
	}

	/**
	 * One call: the environment, or a lookup without one ({@code None} when the vault
	 * does not know the agent, {@code Unavailable} with whether asking again may help).
	 */
	private record Answer(JsonNode environment, Lookup lookup, boolean retryable, Duration retryAfter) {

		static Answer unavailable(String why, boolean retryable, Duration retryAfter) {
			return new Answer(null, new Unavailable(why), retryable, retryAfter);
		}

		@Override
		public String toString() { // the environment holds the values
			return "Answer[" + this.lookup + "]";
		}

	}

	private Answer ask(String workspaceId, String agentId, String runId) throws InterruptedException {
		try {
			JsonNode environment = this.vault.get()
				.uri("/api/v1/internal/agents/{agent}/credentials?workspace_id={ws}&run_id={run}", agentId, workspaceId,
						(runId != null) ? runId : "")
				.exchange((request, response) -> {
					int status = response.getStatusCode().value();
					if (status == 404) {
						return null; // the vault does not know the agent (yet): nothing
										// bound
					}
					if (!response.getStatusCode().is2xxSuccessful()) {
						throw new VaultAnswer(status, retryAfter(response.getHeaders().getFirst("Retry-After")));
					}
					return response.bodyTo(JsonNode.class);
				});
			return (environment != null) ? new Answer(environment, null, false, null)
					: new Answer(null, new None(false), false, null);
		}
		catch (VaultAnswer ex) {
			boolean busy = ex.status == 429 || ex.status == 502 || ex.status == 503 || ex.status == 504;
			return Answer.unavailable("the credential vault answered " + ex.status, busy, ex.retryAfter);
		}
		catch (RestClientException ex) {
			if (Thread.currentThread().isInterrupted()) {
				throw new InterruptedException("Interrupted while asking the vault");
			}
			log.warn("Credential vault unreachable for agent {}: {}", agentId, ex.getClass().getSimpleName());
			return Answer.unavailable("the credential vault could not be reached", true, null);
		}
		catch (RuntimeException ex) {
			log.warn("Credential vault answer unreadable for agent {}: {}", agentId, ex.getClass().getSimpleName());
			return Answer.unavailable("the credential vault's answer could not be read", false, null);
		}
	}

	private static Duration retryAfter(String header) {
		try {
			return (header != null) ? Duration.ofSeconds(Long.parseLong(header.trim())) : null;
		}
		catch (NumberFormatException ex) {
			return null; // an HTTP date: the doubling backoff decides
		}
	}

	private static Lookup pick(JsonNode environment, LlmProperties.Named provider) {
		String slot = slot(provider);
		JsonNode byProvider = null;
		for (JsonNode delivered : environment.path("slots")) {
			JsonNode credential = delivered.path("credential");
			String value = credential.path("value").asString("");
			if (value.isBlank()) {
				continue;
			}
			if (slot.equals(delivered.path("slot").asString(""))) {
				return new Key(credential.path("credential_id").asString(null), slot, value);
			}
			if (byProvider == null
					&& provider.upper().equals(credential.path("provider").asString("").toUpperCase(Locale.ROOT))) {
				byProvider = delivered;
			}
		}
		if (byProvider != null) {
			return new Key(byProvider.path("credential").path("credential_id").asString(null),
					byProvider.path("slot").asString(null), byProvider.path("credential").path("value").asString());
		}
		for (JsonNode skipped : environment.path("skipped")) {
			if (slot.equals(skipped.asString(""))) {
				return new None(true);
			}
		}
		return new None(false);
	}

	/** The slot a provider's key is bound to: configured, else {@code <NAME>_API_KEY}. */
	static String slot(LlmProperties.Named provider) {
		String slot = provider.settings().slot();
		return (slot != null && !slot.isBlank()) ? slot : provider.upper() + "_API_KEY";
	}

	private static final class VaultAnswer extends RuntimeException {

		final int status;

		final Duration retryAfter;

		VaultAnswer(int status, Duration retryAfter) {
			super(null, null, false, false);
			this.status = status;
			this.retryAfter = retryAfter;
		}

	}

}
