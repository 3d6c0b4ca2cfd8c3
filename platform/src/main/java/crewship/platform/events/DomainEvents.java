package crewship.platform.events;

import java.util.function.Supplier;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transactional outbox: an event is written to {@code platform_outbox} in the same
 * database transaction as the state change it describes, and {@link OutboxRelay} later
 * puts it on Kafka. Publishing outside a transaction is a programming error.
 */
public class DomainEvents {

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final String domainTopic;

	private final OutboxRelay relay;

	private final Supplier<String> traceParent;

	public DomainEvents(JdbcTemplate jdbc, JsonMapper json, String domainTopic, OutboxRelay relay) {
		this(jdbc, json, domainTopic, relay, () -> null);
	}

	/**
	 * @param traceParent the current trace as a W3C {@code traceparent} (null outside a
	 * trace), kept with the event so its consumers join the trace
	 */
	public DomainEvents(JdbcTemplate jdbc, JsonMapper json, String domainTopic, OutboxRelay relay,
			Supplier<String> traceParent) {
		this.jdbc = jdbc;
		this.json = json;
		this.domainTopic = domainTopic;
		this.relay = relay;
		this.traceParent = traceParent;
	}

	/**
	 * The current trace as a W3C {@code traceparent}, or null: for work that is written
	 * now and done later on another thread (a queued run), to continue the same trace.
	 */
	public String currentTraceParent() {
		return this.traceParent.get();
	}

	/** Publishes on this service's domain topic, keyed by the subject. */
	@Transactional(propagation = Propagation.MANDATORY)
	public EventEnvelope publish(String type, String workspaceId, String subject, String actor, Object data) {
		return publishTo(this.domainTopic, subject, type, workspaceId, subject, actor, data);
	}

	/** Publishes on any topic with an explicit record key (memberships, audit). */
	@Transactional(propagation = Propagation.MANDATORY)
	public EventEnvelope publishTo(String topic, String key, String type, String workspaceId, String subject,
			String actor, Object data) {
		EventEnvelope event = new EventEnvelope(Cuid.next(), type, workspaceId, subject, actor, Timestamps.now(),
				this.json.valueToTree(data));
		this.jdbc.update(
				"insert into platform_outbox (event_id, topic, record_key, payload, trace_parent) values (?, ?, ?, ?, ?)",
				event.id(), topic, key, this.json.writeValueAsString(event), this.traceParent.get());
		wakeRelayAfterCommit();
		return event;
	}

	/** Appends a tombstone (null value) for a key of a compacted topic. */
	@Transactional(propagation = Propagation.MANDATORY)
	public void tombstone(String topic, String key) {
		this.jdbc.update("insert into platform_outbox (event_id, topic, record_key, payload) values (?, ?, ?, null)",
				Cuid.next(), topic, key);
		wakeRelayAfterCommit();
	}

	private void wakeRelayAfterCommit() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					DomainEvents.this.relay.wakeUp();
				}
			});
		}
	}

}
