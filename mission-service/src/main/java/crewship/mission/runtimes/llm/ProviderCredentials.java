package crewship.mission.runtimes.llm;

import java.util.Locale;

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
 */
public class ProviderCredentials {

	private static final Logger log = LoggerFactory.getLogger(ProviderCredentials.class);

	private final RestClient vault;

	public ProviderCredentials(RestClient vault) {
		this.vault = vault;
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
		String slot = slot(provider);
		JsonNode environment;
		try {
			environment = this.vault.get()
				.uri("/api/v1/internal/agents/{agent}/credentials?workspace_id={ws}&run_id={run}", agentId, workspaceId,
						(runId != null) ? runId : "")
				.exchange((request, response) -> {
					int status = response.getStatusCode().value();
					if (status == 404) {
						return null; // the vault does not know the agent (yet): nothing
										// bound
					}
					if (!response.getStatusCode().is2xxSuccessful()) {
						throw new VaultAnswer(status);
					}
					return response.bodyTo(JsonNode.class);
				});
		}
		catch (VaultAnswer ex) {
			return new Unavailable("the credential vault answered " + ex.status);
		}
		catch (RestClientException ex) {
			if (Thread.currentThread().isInterrupted()) {
				throw new InterruptedException("Interrupted while asking the vault");
			}
			log.warn("Credential vault unreachable for agent {}: {}", agentId, ex.getClass().getSimpleName());
			return new Unavailable("the credential vault could not be reached");
		}
		catch (RuntimeException ex) {
			log.warn("Credential vault answer unreadable for agent {}: {}", agentId, ex.getClass().getSimpleName());
			return new Unavailable("the credential vault's answer could not be read");
		}
		if (environment == null) {
			return new None(false);
		}
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

		VaultAnswer(int status) {
			super(null, null, false, false);
			this.status = status;
		}

	}

}
