package crewship.issue.codelinks;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import crewship.issue.directory.Events;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workspace's GITHUB and GITLAB credentials. Which exist (ids, provider, status —
 * never values) is projected from the vault's events; a value is asked of the vault's
 * internal resolution endpoint through the gateway's internal listener (internal token)
 * only when a link is fetched, and never stored or logged here.
 */
@Component
class ForgeCredentials {

	static final String TOPIC = "crewship.vault.v1";

	static final String CONSUMER = "issue.forge-credentials";

	static final Set<String> PROVIDERS = Set.of(PullRequestUrl.GITHUB, PullRequestUrl.GITLAB);

	static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	/** The hosts a credential without a {@code host} field may be sent to. */
	static final Map<String, String> PUBLIC_HOSTS = Map.of(PullRequestUrl.GITHUB, "github.com", PullRequestUrl.GITLAB,
			"gitlab.com");

	private static final Logger log = LoggerFactory.getLogger(ForgeCredentials.class);

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	private final RestClient vault;

	ForgeCredentials(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactionManager, @Qualifier("internalRestClient") RestClient vault) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
		this.vault = vault;
	}

	/** A value as the vault delivered it, for one forge call. */
	record Token(String credentialId, String value) {

		@Override
		public String toString() {
			return "Token[" + this.credentialId + "]"; // never the value
		}

	}

	@KafkaListener(topics = TOPIC, groupId = "${spring.application.name}.forge-credentials")
	void onVaultEvent(ConsumerRecord<String, String> record) {
		if (record.value() != null) {
			apply(this.json.readValue(record.value(), EventEnvelope.class));
		}
	}

	void apply(EventEnvelope event) {
		if (event.type() == null || !event.type().startsWith("credential.") || event.workspaceId() == null) {
			return;
		}
		this.transactions.executeWithoutResult(status -> {
			if (!this.processed.markApplied(CONSUMER, event.id())) {
				return;
			}
			JsonNode data = event.data();
			Timestamp time = Timestamp.from(event.time());
			switch (event.type()) {
				case "credential.created", "credential.updated" -> {
					String provider = Events.text(data, "provider");
					if (provider == null || !PROVIDERS.contains(provider.toUpperCase(Locale.ROOT))) {
						return;
					}
					this.jdbc.update(
							"""
									insert into forge_credential (credential_id, workspace_id, provider, status, created_time, event_time)
									values (?, ?, ?, ?, ?, ?)
									on conflict (credential_id) do update
									   set provider = excluded.provider, status = excluded.status, event_time = excluded.event_time
									 where forge_credential.event_time <= excluded.event_time and not forge_credential.deleted
									""",
							Events.text(data, "id"), event.workspaceId(), provider.toUpperCase(Locale.ROOT),
							Events.text(data, "status"), time, time);
				}
				case "credential.rotated" -> this.jdbc.update(
						"update forge_credential set status = 'ACTIVE', event_time = ? where credential_id = ? and event_time <= ? and not deleted",
						time, Events.text(data, "credential_id"), time);
				case "credential.deleted" -> this.jdbc.update(
						"update forge_credential set deleted = true, event_time = ? where credential_id = ?", time,
						Events.text(data, "id"));
				default -> log.trace("Ignoring {}", event.type());
			}
		});
	}

	/**
	 * A value of an ACTIVE credential of the provider that may be sent to the host: a
	 * credential whose custom field {@code host} names it, or, without that field, only
	 * the provider's public host — a github.com token never goes to another server.
	 * Candidates are tried newest first; one the vault will not deliver is skipped.
	 * @throws ProblemException 412 {@code no-credential} when none fits; 503 when the
	 * vault cannot answer
	 */
	Token tokenFor(String workspaceId, String provider, String host) {
		List<String> candidates = this.jdbc.queryForList("""
				select credential_id from forge_credential
				 where workspace_id = ? and provider = ? and not deleted
				   and (status is null or status in ('ACTIVE', 'RATE_LIMITED'))
				 order by created_time desc, credential_id limit 20
				""", String.class, workspaceId, provider);
		for (String credentialId : candidates) {
			Optional<JsonNode> resolved = resolve(workspaceId, credentialId);
			if (resolved.isEmpty()) {
				continue;
			}
			JsonNode credential = resolved.get();
			String allowedHost = Events.text(credential.path("fields"), "host");
			boolean fits = (allowedHost != null) ? allowedHost.trim().equalsIgnoreCase(host)
					: host.equalsIgnoreCase(PUBLIC_HOSTS.get(provider));
			String value = Events.text(credential, "value");
			if (fits && value != null && !value.isBlank()) {
				return new Token(credentialId, value);
			}
		}
		throw CodeLinkProblem.of(HttpStatus.PRECONDITION_FAILED, "no-credential",
				"No ACTIVE " + provider + " credential of this workspace can reach " + host
						+ " (store one in the vault; for a self-hosted forge give it a custom field 'host')");
	}

	/** The vault's answer for one credential; empty when it will not deliver it. */
	private Optional<JsonNode> resolve(String workspaceId, String credentialId) {
		try {
			return Optional.ofNullable(this.vault.get()
				.uri("/api/v1/internal/credentials/{id}/value?workspace_id={ws}", credentialId, workspaceId)
				.exchange((request, response) -> {
					if (response.getStatusCode().is5xxServerError()) {
						throw unavailable("answered " + response.getStatusCode().value());
					}
					if (!response.getStatusCode().is2xxSuccessful()) {
						log.info("Vault did not deliver credential {}: {}", credentialId,
								response.getStatusCode().value());
						return null;
					}
					return response.bodyTo(JsonNode.class);
				}));
		}
		catch (RestClientException ex) {
			throw unavailable(ex.getClass().getSimpleName());
		}
	}

	private static ProblemException unavailable(String why) {
		log.warn("Credential vault unavailable for a code link: {}", why);
		return ProblemException.unavailable(
				"The credential vault, which keeps the forge credentials, is unavailable; retry shortly", RETRY_AFTER);
	}

}
