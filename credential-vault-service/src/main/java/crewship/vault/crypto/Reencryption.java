package crewship.vault.crypto;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.ids.Timestamps;
import crewship.vault.VaultProperties;

/**
 * Moves every sealed value to the current master key without downtime: it re-wraps data
 * keys (the value ciphertext is untouched) in small batches, each its own short
 * transaction, while reads keep opening records under whichever key id they carry. A row
 * written meanwhile is already under the current key; the guarded update leaves it alone.
 * Rows that do not open are counted as failed and left as they are.
 */
@Service
public class Reencryption {

	private static final Logger log = LoggerFactory.getLogger(Reencryption.class);

	private final JdbcTemplate jdbc;

	private final EnvelopeCipher cipher;

	private final TransactionTemplate transactions;

	private final AuditTrail audit;

	private final int batchSize;

	Reencryption(JdbcTemplate jdbc, EnvelopeCipher cipher, TransactionTemplate transactions, AuditTrail audit,
			VaultProperties properties) {
		this.jdbc = jdbc;
		this.cipher = cipher;
		this.transactions = transactions;
		this.audit = audit;
		this.batchSize = properties.reencryptBatchSize();
	}

	/** Counters per owner type ({@code column} in the answer: the table is one). */
	public record Column(String table, String column, int reencrypted, int skipped, int failed) {
	}

	public record Report(String keyVersion, int reencrypted, int skipped, int failed, List<Column> columns) {
	}

	private record Row(String id, String ownerType, String ownerId, String keyId, byte[] wrappedKey) {
	}

	public Report run(String workspaceId, String actor) {
		String current = this.cipher.currentKeyId();
		Map<String, int[]> counts = new TreeMap<>();
		this.jdbc.query("select owner_type, count(*) from sealed_secrets where key_id = ? group by owner_type", rs -> {
			counts.computeIfAbsent(rs.getString(1), type -> new int[3])[1] = rs.getInt(2);
		}, current);
		String after = "";
		while (true) {
			List<Row> batch = this.jdbc.query("""
					select id, owner_type, owner_id, key_id, wrapped_key from sealed_secrets
					 where key_id <> ? and id > ? order by id limit ?
					""", (rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getBytes(5)), current, after, this.batchSize);
			if (batch.isEmpty()) {
				break;
			}
			this.transactions.executeWithoutResult(status -> batch.forEach(row -> rewrap(row, counts)));
			after = batch.get(batch.size() - 1).id();
		}
		List<Column> columns = new ArrayList<>();
		int[] total = new int[3];
		counts.forEach((type, c) -> {
			columns.add(new Column("sealed_secrets", type, c[0], c[1], c[2]));
			for (int i = 0; i < 3; i++) {
				total[i] += c[i];
			}
		});
		Report report = new Report(current, total[0], total[1], total[2], columns);
		this.transactions.executeWithoutResult(status -> this.audit
			.record(new AuditRecord(workspaceId, actor, "vault.reencrypted", "vault", current,
					Map.of("key_version", current, "reencrypted", total[0], "skipped", total[1], "failed", total[2]),
					null, null)));
		log.info("Re-encryption to {}: {} re-wrapped, {} already current, {} failed", current, total[0], total[1],
				total[2]);
		return report;
	}

	private void rewrap(Row row, Map<String, int[]> counts) {
		int[] c = counts.computeIfAbsent(row.ownerType(), type -> new int[3]);
		String associatedData = new SealedSecrets.Owner(row.ownerType(), row.ownerId()).associatedData();
		Envelope moved;
		try {
			moved = this.cipher.rewrap(new Envelope(row.keyId(), row.wrappedKey(), null), associatedData);
		}
		catch (VaultCryptoException ex) {
			log.warn("Sealed value {} ({}) does not open under key {}: {}", row.id(), row.ownerType(), row.keyId(),
					ex.getMessage());
			c[2]++;
			return;
		}
		int updated = this.jdbc.update("""
				update sealed_secrets set key_id = ?, wrapped_key = ?, updated_at = ?
				 where id = ? and key_id = ? and wrapped_key = ?
				""", moved.keyId(), moved.wrappedKey(), Timestamp.from(Timestamps.now()), row.id(), row.keyId(),
				row.wrappedKey());
		// 0: rewritten meanwhile by a put, which sealed it under the current key already
		c[(updated == 1) ? 0 : 1]++;
	}

}
