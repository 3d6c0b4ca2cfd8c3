package crewship.webhook.deliveries;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

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
	 * Records a received delivery unless its identity was seen within the window. Must
	 * run in the transaction that enqueues it. @return whether it is new (else a
	 * duplicate, not to be enqueued again)
	 */
	public boolean receive(Delivery delivery, Instant receivedAt, Duration dedupWindow) {
		Timestamp now = Timestamp.from(receivedAt);
		if (delivery.dedupKey() != null) {
			// an identity older than the window is forgotten now, whether or not the
			// purge
			// has run yet: the window is exact
			this.jdbc.update("update webhook_delivery set dedup_key = null where dedup_key = ? and received_at < ?",
					delivery.dedupKey(), Timestamp.from(receivedAt.minus(dedupWindow)));
		}
		int inserted = this.jdbc.update("""
				insert into webhook_delivery (id, target_kind, target_id, crew_id, dedup_key, status, payload_sha256,
				                              payload_bytes, received_at, updated_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				on conflict (dedup_key) where dedup_key is not null do nothing
				""", delivery.id(), delivery.targetKind().name(), delivery.targetId(), delivery.crewId(),
				delivery.dedupKey(), RECEIVED, sha256Hex(delivery.payload()), delivery.payload().length, now, now);
		return inserted == 1;
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
		return this.jdbc.update(
				"update webhook_delivery set dedup_key = null where dedup_key is not null and received_at < ?",
				Timestamp.from(cutoff));
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
