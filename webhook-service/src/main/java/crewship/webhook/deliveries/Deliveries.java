package crewship.webhook.deliveries;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The delivery records. A record is written in the same transaction that waits for
 * Kafka's acknowledgement, so its uncommitted row holds the dedup identity while the send
 * is in flight: a concurrent copy of the delivery blocks on the unique index and then
 * either sees a queued delivery (a duplicate) or, if the send failed and rolled back,
 * takes the identity itself.
 */
public class Deliveries {

	/** Statuses a record goes through; the run executor advances it past QUEUED. */
	public static final String QUEUED = "QUEUED";

	static final String RECEIVED = "RECEIVED";

	private final JdbcTemplate jdbc;

	public Deliveries(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * What became of a received delivery.
	 *
	 * @param deliveryId the new record's id, or the original's for a duplicate
	 * @param fresh whether it is new (else a duplicate, not to be enqueued again)
	 */
	public record Receipt(String deliveryId, boolean fresh) {
	}

	/**
	 * Records a received delivery unless one of its identities was seen within the
	 * window. Must run in the transaction that enqueues it.
	 */
	public Receipt receive(Delivery delivery, Instant receivedAt, Duration dedupWindow) {
		Timestamp now = Timestamp.from(receivedAt);
		Timestamp cutoff = Timestamp.from(receivedAt.minus(dedupWindow));
		// an identity older than the window is forgotten now, whether or not the purge
		// has
		// run yet: the window is exact
		if (delivery.dedupKey() != null) {
			this.jdbc.update("update webhook_delivery set dedup_key = null where dedup_key = ? and received_at < ?",
					delivery.dedupKey(), cutoff);
		}
		if (delivery.idempotencyKey() != null) {
			this.jdbc.update(
					"update webhook_delivery set idempotency_key = null where idempotency_key = ? and received_at < ?",
					delivery.idempotencyKey(), cutoff);
		}
		// A copy in flight holds its identities in an uncommitted row: the insert waits
		// on
		// the unique index, then either conflicts (the copy committed) or goes in (it
		// rolled back). The original is looked up in a new statement, which sees it.
		for (int attempt = 0; attempt < 3; attempt++) {
			int inserted = this.jdbc.update("""
					insert into webhook_delivery (id, target_kind, target_id, workspace_id, crew_id, dedup_key,
					                              idempotency_key, status, payload_sha256, payload_bytes, received_at,
					                              updated_at)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
					on conflict do nothing
					""", delivery.id(), delivery.targetKind().name(), delivery.targetId(), delivery.workspaceId(),
					delivery.crewId(), delivery.dedupKey(), delivery.idempotencyKey(), RECEIVED,
					sha256Hex(delivery.payload()), delivery.payload().length, now, now);
			if (inserted == 1) {
				return new Receipt(delivery.id(), true);
			}
			List<String> original = this.jdbc.queryForList(
					"select id from webhook_delivery where dedup_key = ? or idempotency_key = ? order by received_at limit 1",
					String.class, delivery.dedupKey(), delivery.idempotencyKey());
			if (!original.isEmpty()) {
				return new Receipt(original.get(0), false);
			}
			// the original's identities were released between the two statements: try
			// again
		}
		throw new IllegalStateException("Delivery identity kept changing hands");
	}

	/** The broker has acknowledged the delivery. */
	public void markQueued(String id, Instant at) {
		this.jdbc.update("update webhook_delivery set status = ?, queued_at = ?, updated_at = ? where id = ?", QUEUED,
				Timestamp.from(at), Timestamp.from(at), id);
	}

	/**
	 * Forgets identities older than the window. Every replica may run it at once: each
	 * clears the same rows, and an identity is only ever cleared, never reassigned, here.
	 * @return how many identities were released
	 */
	public int releaseIdentitiesBefore(Instant cutoff) {
		Timestamp before = Timestamp.from(cutoff);
		return this.jdbc.update(
				"update webhook_delivery set dedup_key = null where dedup_key is not null and received_at < ?", before)
				+ this.jdbc.update(
						"update webhook_delivery set idempotency_key = null where idempotency_key is not null and received_at < ?",
						before);
	}

	public static String sha256Hex(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
