package crewship.mission.journal;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feeds the journal from every domain topic of the suite. One consumer group for the
 * service, so each event is journaled by one replica; the processed-event mark and the
 * entries commit together, so a redelivery journals nothing twice.
 */
@Component
class JournalConsumer {

	static final String CONSUMER = "mission.journal";

	private static final Logger log = LoggerFactory.getLogger(JournalConsumer.class);

	private final Journal journal;

	private final Lookup lookup;

	private final ProcessedEvents processed;

	private final JsonMapper json;

	private final TransactionTemplate transactions;

	JournalConsumer(Journal journal, Lookup lookup, ProcessedEvents processed, JsonMapper json,
			PlatformTransactionManager transactionManager) {
		this.journal = journal;
		this.lookup = lookup;
		this.processed = processed;
		this.json = json;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	@KafkaListener(topics = { "crewship.auth.v1", "crewship.crew.v1", "crewship.mission.v1", "crewship.issue.v1",
			"crewship.vault.v1", "crewship.webhook.v1" }, groupId = "${spring.application.name}.journal")
	void onDomainEvent(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			return;
		}
		EventEnvelope event;
		try {
			event = this.json.readValue(record.value(), EventEnvelope.class);
		}
		catch (JacksonException ex) {
			log.warn("Skipped an unreadable record at {}-{}@{}", record.topic(), record.partition(), record.offset());
			return;
		}
		record(record.topic(), event);
	}

	/** Journals one event once. */
	void record(String topic, EventEnvelope event) {
		List<NewEntry> entries = EntryMapping.map(this.json, topic, event);
		if (entries.isEmpty()) {
			return;
		}
		this.transactions.executeWithoutResult(tx -> {
			if (this.processed.markApplied(CONSUMER, event.id())) {
				this.journal.appendAll(entries);
				this.lookup.apply(event);
			}
		});
	}

}
