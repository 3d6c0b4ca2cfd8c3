package crewship.auth.privacy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * What agents keep about people (privacy.mdx): peer cards per (agent, user), the operator
 * model per (user, workspace), and each person's consent. auth-service holds them, and
 * every change leaves an audit row and an event keyed by the user — other services keep
 * only an index without content and drop it on {@code peer_cards.purged}.
 * <p>
 * Consent is enforced where cards are written: a write takes a share lock on the user's
 * consent row and an opt-out takes it for update, so a write racing an opt-out either
 * commits first (and is purged by it) or sees the opt-out and is refused.
 */
@Service
public class PeerMemory {

	static final int MAX_CARDS = 500;

	static final int MAX_CONTENT_BYTES = 64 * 1024;

	static final int MAX_FACTS = 100;

	private final JdbcClient jdbc;

	private final DomainEvents events;

	private final AuditTrail audit;

	PeerMemory(JdbcClient jdbc, DomainEvents events, AuditTrail audit) {
		this.jdbc = jdbc;
		this.events = events;
		this.audit = audit;
	}

	/** A peer card, with its content. */
	record Card(String id, String agentId, String agentSlug, String userSlug, int bytes, Instant createdAt,
			Instant updatedAt, String content) {
	}

	/** One {@code - key: value} line of an operator model. */
	record Fact(String key, String value) {
	}

	/** The operator model as stored. */
	record Model(String userSlug, String content, Instant createdAt, Instant updatedAt) {

		List<Fact> facts() {
			return parse(this.content);
		}

		int bytes() {
			return this.content.getBytes(StandardCharsets.UTF_8).length;
		}

	}

	/** A person's consent in a workspace. */
	record Consent(boolean optedOut, Instant optedOutAt) {
	}

	/** What an opt-out removed. */
	record Purged(int cards, int models) {
	}

	// --- the person's own data

	/** Every card about the user in the workspace; each read is audited. */
	@Transactional
	List<Card> cards(String workspaceId, String userId) {
		List<Card> cards = this.jdbc.sql("""
				select id, agent_id, agent_slug, user_slug, bytes, created_at, updated_at, content from peer_card
				 where workspace_id = :ws and user_id = :user order by updated_at desc, id limit :limit
				""")
			.param("ws", workspaceId)
			.param("user", userId)
			.param("limit", MAX_CARDS)
			.query((rs, n) -> new Card(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
					rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(), rs.getString(8)))
			.list();
		for (Card card : cards) {
			auditRow(workspaceId, userId, card.agentId(), card.id(), "read", userId);
		}
		return cards;
	}

	/** Deletes every card about the user in the workspace. @return how many */
	@Transactional
	int purgeCards(String workspaceId, String userId, String reason) {
		List<String[]> removed = this.jdbc
			.sql("delete from peer_card where workspace_id = :ws and user_id = :user returning id, agent_id")
			.param("ws", workspaceId)
			.param("user", userId)
			.query((rs, n) -> new String[] { rs.getString(1), rs.getString(2) })
			.list();
		for (String[] card : removed) {
			auditRow(workspaceId, userId, card[1], card[0], "delete", userId);
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("user_id", userId);
		data.put("purged", removed.size());
		data.put("reason", reason);
		// published even when nothing was held here: an index elsewhere may still hold
		// rows
		this.events.publish("peer_cards.purged", workspaceId, userId, userId, data);
		this.audit.record(new AuditRecord(workspaceId, userId, "privacy.peer_cards_purged", "user", userId,
				Map.of("purged", removed.size(), "reason", reason), null, null));
		return removed.size();
	}

	@Transactional(readOnly = true)
	Consent consent(String workspaceId, String userId) {
		return this.jdbc
			.sql("select opted_out, opted_out_at from peer_consent where workspace_id = :ws and user_id = :user")
			.param("ws", workspaceId)
			.param("user", userId)
			.query((rs, n) -> new Consent(rs.getBoolean(1),
					(rs.getTimestamp(2) != null) ? rs.getTimestamp(2).toInstant() : null))
			.optional()
			.orElse(new Consent(false, null));
	}

	/**
	 * Sets the opt-out; opting out purges every card and the operator model at once, in
	 * the same transaction as the consent change.
	 */
	@Transactional
	Purged setConsent(String workspaceId, String userId, boolean optedOut) {
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc
			.sql("""
					insert into peer_consent (workspace_id, user_id, opted_out, opted_out_at, updated_at)
					values (:ws, :user, :out, :at, :now)
					on conflict (workspace_id, user_id) do update
					   set opted_out = excluded.opted_out,
					       opted_out_at = case when excluded.opted_out then coalesce(peer_consent.opted_out_at, excluded.opted_out_at) end,
					       updated_at = excluded.updated_at
					""")
			.param("ws", workspaceId)
			.param("user", userId)
			.param("out", optedOut)
			.param("at", optedOut ? now : null)
			.param("now", now)
			.update();
		this.events.publish("peer_consent.changed", workspaceId, userId, userId,
				Map.of("user_id", userId, "opted_out", optedOut));
		this.audit.record(new AuditRecord(workspaceId, userId, "privacy.peer_consent_changed", "user", userId,
				Map.of("opted_out", optedOut), null, null));
		auditRow(workspaceId, userId, null, null, optedOut ? "opt_out" : "opt_in", userId);
		if (!optedOut) {
			return new Purged(0, 0);
		}
		return new Purged(purgeCards(workspaceId, userId, "opt_out"), purgeModel(workspaceId, userId, "opt_out"));
	}

	@Transactional
	Optional<Model> model(String workspaceId, String userId) {
		Optional<Model> model = findModel(workspaceId, userId, false);
		auditRow(workspaceId, userId, null, null, "read", userId);
		return model;
	}

	private Optional<Model> findModel(String workspaceId, String userId, boolean forUpdate) {
		return this.jdbc
			.sql("select user_slug, content, created_at, updated_at from user_model"
					+ " where workspace_id = :ws and user_id = :user" + (forUpdate ? " for update" : ""))
			.param("ws", workspaceId)
			.param("user", userId)
			.query((rs, n) -> new Model(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
					rs.getTimestamp(4).toInstant()))
			.optional();
	}

	/**
	 * Removes one field (case-insensitive); the last one takes the model with it.
	 * @return what remains, or empty when the model is gone
	 * @throws ProblemException 404 when there is no model or no such field
	 */
	@Transactional
	Optional<List<Fact>> forget(String workspaceId, String userId, String key) {
		Model model = findModel(workspaceId, userId, true)
			.orElseThrow(() -> ProblemException.notFound("No operator model is stored about you in this workspace"));
		List<Fact> facts = model.facts();
		List<Fact> remaining = facts.stream().filter(fact -> !fact.key().equalsIgnoreCase(key.trim())).toList();
		if (remaining.size() == facts.size()) {
			throw ProblemException.notFound("The operator model has no field '" + key + "'");
		}
		auditRow(workspaceId, userId, null, null, "forget", userId);
		this.events.publish("user_model.fact_forgotten", workspaceId, userId, userId,
				Map.of("user_id", userId, "key", key.trim().toLowerCase(Locale.ROOT)));
		if (remaining.isEmpty()) {
			deleteModel(workspaceId, userId);
			return Optional.empty();
		}
		this.jdbc.sql(
				"update user_model set content = :content, updated_at = :now where workspace_id = :ws and user_id = :user")
			.param("content", render(remaining))
			.param("now", Timestamp.from(Timestamps.now()))
			.param("ws", workspaceId)
			.param("user", userId)
			.update();
		return Optional.of(remaining);
	}

	/** Forgets the whole operator model. @return 1 when there was one, else 0 */
	@Transactional
	int purgeModel(String workspaceId, String userId, String reason) {
		int purged = deleteModel(workspaceId, userId);
		auditRow(workspaceId, userId, null, null, "delete_model", userId);
		this.events.publish("user_model.purged", workspaceId, userId, userId,
				Map.of("user_id", userId, "purged", purged, "reason", reason));
		this.audit.record(new AuditRecord(workspaceId, userId, "privacy.user_model_purged", "user", userId,
				Map.of("purged", purged, "reason", reason), null, null));
		return purged;
	}

	private int deleteModel(String workspaceId, String userId) {
		return this.jdbc.sql("delete from user_model where workspace_id = :ws and user_id = :user")
			.param("ws", workspaceId)
			.param("user", userId)
			.update();
	}

	// --- writers (agents, through the internal listener)

	/**
	 * Stores an agent's card about a user, unless the user opted out.
	 * @return the card's id and whether it is new
	 * @throws ProblemException 409 when the user opted out, 400 for oversized content
	 */
	@Transactional
	Map<String, Object> writeCard(String workspaceId, String agentId, String agentSlug, String userId, String userSlug,
			String content) {
		int bytes = content.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_CONTENT_BYTES) {
			throw ProblemException.badRequest("content exceeds " + (MAX_CONTENT_BYTES / 1024) + " KB");
		}
		requireConsent(workspaceId, userId);
		Timestamp now = Timestamp.from(Timestamps.now());
		Map<String, Object> row = this.jdbc.sql("""
				insert into peer_card (id, workspace_id, agent_id, agent_slug, user_id, user_slug, content, bytes,
				                       created_at, updated_at)
				values (:id, :ws, :agent, :agentSlug, :user, :userSlug, :content, :bytes, :now, :now)
				on conflict (workspace_id, agent_id, user_id) do update
				   set content = excluded.content, bytes = excluded.bytes, agent_slug = excluded.agent_slug,
				       user_slug = excluded.user_slug, updated_at = excluded.updated_at
				returning id, created_at, updated_at, (xmax = 0) as created
				""")
			.param("id", Cuid.next())
			.param("ws", workspaceId)
			.param("agent", agentId)
			.param("agentSlug", agentSlug)
			.param("user", userId)
			.param("userSlug", (userSlug != null && !userSlug.isBlank()) ? userSlug.trim() : slug(workspaceId, userId))
			.param("content", content)
			.param("bytes", bytes)
			.param("now", now)
			.query()
			.singleRow();
		String id = (String) row.get("id");
		auditRow(workspaceId, userId, agentId, id, "write", agentId);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", id);
		data.put("agent_id", agentId);
		data.put("user_id", userId);
		data.put("user_slug", (userSlug != null && !userSlug.isBlank()) ? userSlug.trim() : slug(workspaceId, userId));
		data.put("bytes", bytes);
		data.put("created_at", ((Timestamp) row.get("created_at")).toInstant());
		data.put("updated_at", ((Timestamp) row.get("updated_at")).toInstant());
		this.events.publish("peer_card.written", workspaceId, userId, agentId, data);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("id", id);
		answer.put("bytes", bytes);
		answer.put("created", Boolean.TRUE.equals(row.get("created")));
		return answer;
	}

	/** Deletes one agent's card about a user (idempotent). @return whether one existed */
	@Transactional
	boolean deleteCard(String workspaceId, String agentId, String userId, String actor) {
		List<String> removed = this.jdbc.sql(
				"delete from peer_card where workspace_id = :ws and agent_id = :agent and user_id = :user returning id")
			.param("ws", workspaceId)
			.param("agent", agentId)
			.param("user", userId)
			.query(String.class)
			.list();
		for (String id : removed) {
			auditRow(workspaceId, userId, agentId, id, "delete", actor);
			this.events.publish("peer_card.deleted", workspaceId, userId, actor,
					Map.of("id", id, "agent_id", agentId, "user_id", userId));
		}
		return !removed.isEmpty();
	}

	/**
	 * Records facts a person stated, merged into their operator model by key (a stated
	 * key replaces its old value), unless they opted out.
	 */
	@Transactional
	List<Fact> recordFacts(String workspaceId, String userId, List<Fact> stated) {
		requireConsent(workspaceId, userId);
		Model current = findModel(workspaceId, userId, true).orElse(null);
		Map<String, Fact> merged = new LinkedHashMap<>();
		if (current != null) {
			current.facts().forEach(fact -> merged.put(fact.key().toLowerCase(Locale.ROOT), fact));
		}
		for (Fact fact : stated) {
			merged.put(fact.key().toLowerCase(Locale.ROOT), fact);
		}
		if (merged.size() > MAX_FACTS) {
			throw ProblemException.badRequest("An operator model holds at most " + MAX_FACTS + " fields");
		}
		List<Fact> facts = List.copyOf(merged.values());
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc
			.sql("""
					insert into user_model (workspace_id, user_id, user_slug, content, created_at, updated_at)
					values (:ws, :user, :slug, :content, :now, :now)
					on conflict (workspace_id, user_id) do update set content = excluded.content, updated_at = excluded.updated_at
					""")
			.param("ws", workspaceId)
			.param("user", userId)
			.param("slug", slug(workspaceId, userId))
			.param("content", render(facts))
			.param("now", now)
			.update();
		auditRow(workspaceId, userId, null, null, "write_model", null);
		this.events.publish("user_model.updated", workspaceId, userId, null,
				Map.of("user_id", userId, "keys", stated.stream().map(Fact::key).toList()));
		return facts;
	}

	/**
	 * @throws ProblemException 409 when the user opted out here; the row stays share-
	 * locked until the caller's transaction ends
	 */
	private void requireConsent(String workspaceId, String userId) {
		this.jdbc
			.sql("""
					insert into peer_consent (workspace_id, user_id, opted_out, updated_at) values (:ws, :user, false, now())
					on conflict (workspace_id, user_id) do nothing
					""")
			.param("ws", workspaceId)
			.param("user", userId)
			.update();
		boolean optedOut = this.jdbc
			.sql("select opted_out from peer_consent where workspace_id = :ws and user_id = :user for share")
			.param("ws", workspaceId)
			.param("user", userId)
			.query(Boolean.class)
			.single();
		if (optedOut) {
			throw new ProblemException(HttpStatus.CONFLICT,
					"The user opted out of peer memory in this workspace; nothing was stored");
		}
	}

	private void auditRow(String workspaceId, String userId, String agentId, String cardId, String action,
			String actor) {
		this.jdbc.sql("""
				insert into peer_card_audit (id, workspace_id, user_id, agent_id, card_id, action, actor, at)
				values (:id, :ws, :user, :agent, :card, :action, :actor, now())
				""")
			.param("id", Cuid.next())
			.param("ws", workspaceId)
			.param("user", userId)
			.param("agent", agentId)
			.param("card", cardId)
			.param("action", action)
			.param("actor", actor)
			.update();
	}

	/** The stable, non-reversible slug of a person in a workspace. */
	static String slug(String workspaceId, String userId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest((workspaceId + ":" + userId).getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static List<Fact> parse(String content) {
		List<Fact> facts = new ArrayList<>();
		for (String line : content.split("\\r?\\n")) {
			String trimmed = line.strip();
			if (!trimmed.startsWith("- ")) {
				continue;
			}
			int colon = trimmed.indexOf(':');
			if (colon > 2) {
				facts.add(new Fact(trimmed.substring(2, colon).trim(), trimmed.substring(colon + 1).trim()));
			}
		}
		return facts;
	}

	static String render(List<Fact> facts) {
		StringBuilder content = new StringBuilder();
		for (Fact fact : facts) {
			content.append(content.isEmpty() ? "" : "\n")
				.append("- ")
				.append(fact.key())
				.append(": ")
				.append(fact.value());
		}
		return content.toString();
	}

}
