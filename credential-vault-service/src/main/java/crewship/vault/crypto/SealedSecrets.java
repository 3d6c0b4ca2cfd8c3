package crewship.vault.crypto;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/**
 * The one table that holds encrypted values, whoever owns them (a credential's value, a
 * secret field, a webhook signing secret): one inventory means re-encryption cannot miss
 * a column added later. Each value is sealed with its owner ({@code type:id}) as
 * associated data and opened with the owner the caller asks for, so a ciphertext copied
 * onto another row does not open.
 */
@Repository
public class SealedSecrets {

	private final JdbcTemplate jdbc;

	private final EnvelopeCipher cipher;

	SealedSecrets(JdbcTemplate jdbc, EnvelopeCipher cipher) {
		this.jdbc = jdbc;
		this.cipher = cipher;
	}

	/** Who a sealed value belongs to; also its associated data. */
	public record Owner(String type, String id) {

		String associatedData() {
			return this.type + ":" + this.id;
		}

	}

	/** Seals the value under a fresh data key, replacing what the owner held. */
	public void put(Owner owner, String value) {
		Envelope envelope = this.cipher.seal(value.getBytes(StandardCharsets.UTF_8), owner.associatedData());
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc.update(
				"""
						insert into sealed_secrets (id, owner_type, owner_id, key_id, wrapped_key, ciphertext, created_at, updated_at)
						values (?, ?, ?, ?, ?, ?, ?, ?)
						on conflict (owner_type, owner_id) do update
						   set key_id = excluded.key_id, wrapped_key = excluded.wrapped_key,
						       ciphertext = excluded.ciphertext, updated_at = excluded.updated_at
						""",
				Cuid.next(), owner.type(), owner.id(), envelope.keyId(), envelope.wrappedKey(), envelope.ciphertext(),
				now, now);
	}

	/**
	 * @return the plaintext, or empty when the owner holds no value
	 * @throws VaultCryptoException when the stored value does not open
	 */
	public Optional<String> open(Owner owner) {
		return find(owner)
			.map(envelope -> new String(this.cipher.open(envelope, owner.associatedData()), StandardCharsets.UTF_8));
	}

	public boolean exists(Owner owner) {
		return find(owner).isPresent();
	}

	/** Scrubs the value: the row is gone, not blanked. */
	public void delete(Owner owner) {
		this.jdbc.update("delete from sealed_secrets where owner_type = ? and owner_id = ?", owner.type(), owner.id());
	}

	/** Scrubs every value of one type whose owner id starts with the prefix. */
	public void deleteByPrefix(String ownerType, String ownerIdPrefix) {
		this.jdbc.update("delete from sealed_secrets where owner_type = ? and owner_id like ? escape '\\'", ownerType,
				ownerIdPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
	}

	private Optional<Envelope> find(Owner owner) {
		List<Envelope> rows = this.jdbc.query(
				"select key_id, wrapped_key, ciphertext from sealed_secrets where owner_type = ? and owner_id = ?",
				(rs, n) -> new Envelope(rs.getString(1), rs.getBytes(2), rs.getBytes(3)), owner.type(), owner.id());
		return rows.stream().findFirst();
	}

}
