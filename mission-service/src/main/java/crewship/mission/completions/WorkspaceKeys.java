package crewship.mission.completions;

import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A workspace's own model-provider keys for completions: which API_KEY credentials of a
 * provider the workspace holds (ids, provider, status — never values) is projected from
 * the vault's events; a value is asked of the vault's internal resolution through the
 * gateway's internal listener only for the call, and never stored or logged here.
 */
@Component
class WorkspaceKeys {

	static final String TOPIC = "crewship.vault.v1";

	static final String CONSUMER = "mission.llm-credentials";

	private static final Logger log = LoggerFactory.getLogger(WorkspaceKeys.class);

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	private final RestClient vault;

	WorkspaceKeys(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactionManager, @Qualifier("internalRestClient") RestClient vault) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
		this.vault = vault;
	}

	/** A value the vault delivered, for one provider call (never in toString). */
	record Key(String credentialId, String value) {

		@Override
		public String toString() {
			return "Key[" + this.credentialId + "]";
		}

	}

	@KafkaListener(topics = TOPIC, groupId = "${spring.application.name}.llm-credentials")
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
					String provider = text(data, "provider");
					if (provider == null || provider.isBlank()) {
						return;
					}
					this.jdbc.update(
							"""
									insert into llm_workspace_credential (credential_id, workspace_id, provider, type, status, created_time, event_time)
									values (?, ?, ?, ?, ?, ?, ?)
									on conflict (credential_id) do update
									   set provider = excluded.provider, type = excluded.type, status = excluded.status,
									       event_time = excluded.event_time
									 where llm_workspace_credential.event_time <= excluded.event_time
									   and not llm_workspace_credential.deleted
									""",
							text(data, "id"), event.workspaceId(), provider.toUpperCase(Locale.ROOT),
							text(data, "type"), text(data, "status"), time, time);
				}
				case "credential.rotated" -> this.jdbc.update(
						"update llm_workspace_credential set status = 'ACTIVE', event_time = ? where credential_id = ? and event_time <= ? and not deleted",
						time, text(data, "credential_id"), time);
				case "credential.deleted" -> this.jdbc.update(
						"update llm_workspace_credential set deleted = true, event_time = ? where credential_id = ?",
						time, text(data, "id"));
				default -> log.trace("Ignoring {}", event.type());
			}
		});
	}

	/**
	 * The newest API_KEY credential of the provider the vault delivers; empty when the
	 * workspace has none (or the vault cannot answer: the caller falls back to the
	 * operator's key or says what is missing).
	 */
	Optional<Key> find(String workspaceId, String provider) {
		List<String> candidates = this.jdbc.queryForList("""
				select credential_id from llm_workspace_credential
				 where workspace_id = ? and provider = ? and not deleted
				   and (type is null or type = 'API_KEY')
				   and (status is null or status in ('ACTIVE', 'RATE_LIMITED'))
				 order by created_time desc, credential_id limit 10
				""", String.class, workspaceId, provider.toUpperCase(Locale.ROOT));
		for (String credentialId : candidates) {
			try {
				JsonNode resolved = this.vault.get()
					.uri("/api/v1/internal/credentials/{id}/value?workspace_id={ws}", credentialId, workspaceId)
					.exchange((request, response) -> response.getStatusCode().is2xxSuccessful()
							? response.bodyTo(JsonNode.class) : null);
				String value = (resolved != null) ? text(resolved, "value") : null;
				if (value != null && !value.isBlank()) {
					return Optional.of(new Key(credentialId, value));
				}
			}
			catch (RestClientException ex) {
				log.warn("Credential vault unavailable for a completion: {}", ex.getClass().getSimpleName());
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = (node != null) ? node.get(field) : null;
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
