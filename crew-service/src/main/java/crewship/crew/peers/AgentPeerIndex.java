package crewship.crew.peers;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which agent holds a peer card about which user — the index behind {@code GET
 * /api/v1/agents/{id}/peers} — projected from auth-service's privacy events (auth-service
 * keeps the cards themselves; no content reaches this service). A purge or an opt-out
 * ({@code peer_cards.purged}) removes the user's rows here too: this copy honours the
 * purge like the store of record. auth-service keys these events by the user, so a user's
 * events arrive in order; each is applied once.
 */
@Component
class AgentPeerIndex {

	static final String TOPIC = "crewship.auth.v1";

	static final String CONSUMER = "crew.agent-peers";

	private static final Logger log = LoggerFactory.getLogger(AgentPeerIndex.class);

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	AgentPeerIndex(JdbcClient jdbc, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactions) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactions);
	}

	/** One index entry. */
	record Peer(String id, String agentId, String userId, String userSlug, int bytes, Instant createdAt,
			Instant updatedAt) {
	}

	@KafkaListener(topics = TOPIC, groupId = "${spring.application.name}.agent-peers")
	void onAuthEvent(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			return;
		}
		EventEnvelope event = this.json.readValue(record.value(), EventEnvelope.class);
		if (event.type() == null || !(event.type().startsWith("peer_card"))) {
			return;
		}
		apply(event);
	}

	void apply(EventEnvelope event) {
		this.transactions.executeWithoutResult(status -> {
			if (!this.processed.markApplied(CONSUMER, event.id())) {
				return;
			}
			JsonNode data = event.data();
			switch (event.type()) {
				case "peer_card.written" -> this.jdbc.sql("""
						insert into agent_peer (card_id, workspace_id, agent_id, user_id, user_slug, bytes, created_at,
						                        updated_at)
						values (:id, :ws, :agent, :user, :slug, :bytes, :created, :updated)
						on conflict (card_id) do update set bytes = excluded.bytes, updated_at = excluded.updated_at
						""")
					.param("id", text(data, "id"))
					.param("ws", event.workspaceId())
					.param("agent", text(data, "agent_id"))
					.param("user", text(data, "user_id"))
					.param("slug", text(data, "user_slug"))
					.param("bytes", data.path("bytes").asInt())
					.param("created", time(data, "created_at", event))
					.param("updated", time(data, "updated_at", event))
					.update();
				case "peer_card.deleted" ->
					this.jdbc.sql("delete from agent_peer where card_id = :id").param("id", text(data, "id")).update();
				case "peer_cards.purged" -> {
					int removed = this.jdbc.sql("delete from agent_peer where workspace_id = :ws and user_id = :user")
						.param("ws", event.workspaceId())
						.param("user", text(data, "user_id"))
						.update();
					log.info("Peer-card purge of a user in workspace {}: {} index rows removed", event.workspaceId(),
							removed);
				}
				default -> log.trace("Ignoring {}", event.type());
			}
		});
	}

	List<Peer> forAgent(String agentId, int limit) {
		return this.jdbc.sql("""
				select card_id, agent_id, user_id, user_slug, bytes, created_at, updated_at from agent_peer
				 where agent_id = :agent order by updated_at desc, card_id limit :limit
				""")
			.param("agent", agentId)
			.param("limit", limit)
			.query((rs, n) -> new Peer(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
					rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant()))
			.list();
	}

	private static String text(JsonNode data, String field) {
		JsonNode value = data.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static Timestamp time(JsonNode data, String field, EventEnvelope event) {
		String value = text(data, field);
		return Timestamp.from((value != null) ? Instant.parse(value) : event.time());
	}

}
