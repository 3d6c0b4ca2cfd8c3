package crewship.vault.credentials;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.web.ProblemException;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.crypto.SealedSecrets.Owner;

/**
 * Named parts of a credential. A secret field's value is sealed like the credential's own
 * and never answered; a non-secret one is kept and answered as it is.
 */
@Service
public class CustomFields {

	private static final String KEY_PATTERN = "[a-z][a-z0-9_]{0,63}";

	private final JdbcTemplate jdbc;

	private final Credentials credentials;

	private final SealedSecrets secrets;

	private final CredentialAudit audit;

	CustomFields(JdbcTemplate jdbc, Credentials credentials, SealedSecrets secrets, CredentialAudit audit) {
		this.jdbc = jdbc;
		this.credentials = credentials;
		this.secrets = secrets;
		this.audit = audit;
	}

	record FieldRequest(String key, @NotNull @Size(max = CreateCredential.MAX_VALUE) String value, Boolean isSecret,
			@Min(0) Integer ordinal) {
	}

	record Field(String key, boolean isSecret, int ordinal, String value, Instant createdAt, Instant updatedAt) {
	}

	@Transactional(readOnly = true)
	List<Field> list(String workspaceId, String credentialId, WorkspaceRole role) {
		this.credentials.findVisible(workspaceId, credentialId, role);
		return this.jdbc.query("""
				select key, is_secret, ordinal, value, created_at, updated_at from credential_fields
				 where credential_id = ? order by ordinal, key
				""", (rs, n) -> new Field(rs.getString(1), rs.getBoolean(2), rs.getInt(3), rs.getString(4),
				rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()), credentialId);
	}

	@Transactional
	Field add(String workspaceId, String credentialId, String actor, RequestOrigin origin, FieldRequest body) {
		Credential credential = this.credentials.find(workspaceId, credentialId);
		if (body.key() == null || !body.key().matches(KEY_PATTERN)) {
			throw ProblemException.badRequest("A field key is lower snake case, starts with a letter, 64 at most");
		}
		if (find(credentialId, body.key()).isPresent()) {
			throw ProblemException.badRequest("The field '" + body.key() + "' already exists");
		}
		boolean secret = !Boolean.FALSE.equals(body.isSecret());
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc.update("""
				insert into credential_fields (credential_id, key, is_secret, ordinal, value, created_at, updated_at)
				values (?, ?, ?, ?, ?, ?, ?)""", credentialId, body.key(), secret,
				(body.ordinal() != null) ? body.ordinal() : 0, secret ? null : body.value(), now, now);
		store(credential, body.key(), secret, body.value());
		this.audit.record(credential, "FIELD_ADDED", actor, null, origin, Map.of("key", body.key(), "secret", secret));
		return find(credentialId, body.key()).orElseThrow();
	}

	@Transactional
	Field update(String workspaceId, String credentialId, String key, String actor, RequestOrigin origin,
			FieldRequest body) {
		Credential credential = this.credentials.find(workspaceId, credentialId);
		Field field = find(credentialId, key).orElseThrow(() -> ProblemException.notFound("Field not found"));
		boolean secret = (body.isSecret() != null) ? body.isSecret() : field.isSecret();
		this.jdbc.update("""
				update credential_fields set is_secret = ?, ordinal = ?, value = ?, updated_at = ?
				 where credential_id = ? and key = ?""", secret,
				(body.ordinal() != null) ? body.ordinal() : field.ordinal(), secret ? null : body.value(),
				Timestamp.from(Timestamps.now()), credentialId, key);
		store(credential, key, secret, body.value());
		this.audit.record(credential, "FIELD_UPDATED", actor, null, origin, Map.of("key", key, "secret", secret));
		return find(credentialId, key).orElseThrow();
	}

	@Transactional
	void delete(String workspaceId, String credentialId, String key, String actor, RequestOrigin origin) {
		Credential credential = this.credentials.find(workspaceId, credentialId);
		if (this.jdbc.update("delete from credential_fields where credential_id = ? and key = ?", credentialId,
				key) == 0) {
			throw ProblemException.notFound("Field not found");
		}
		this.secrets.delete(owner(credentialId, key));
		this.audit.record(credential, "FIELD_DELETED", actor, null, origin, Map.of("key", key));
	}

	/** Every field's value, secret ones opened: for run resolution only. */
	public Map<String, String> resolve(String credentialId) {
		Map<String, String> values = new LinkedHashMap<>();
		this.jdbc.query(
				"select key, is_secret, value from credential_fields where credential_id = ? order by ordinal, key",
				rs -> {
					String key = rs.getString(1);
					values.put(key, rs.getBoolean(2) ? this.secrets.open(owner(credentialId, key)).orElse(null)
							: rs.getString(3));
				}, credentialId);
		return values;
	}

	private void store(Credential credential, String key, boolean secret, String value) {
		if (secret) {
			this.secrets.put(owner(credential.getId(), key), value);
		}
		else {
			this.secrets.delete(owner(credential.getId(), key));
		}
	}

	/** The same prefix the credential's delete scrubs. */
	private static Owner owner(String credentialId, String key) {
		return new Owner(Credential.FIELD, credentialId + "/" + key);
	}

	private Optional<Field> find(String credentialId, String key) {
		return this.jdbc
			.query("""
					select key, is_secret, ordinal, case when is_secret then null else value end, created_at, updated_at
					  from credential_fields where credential_id = ? and key = ?
					""",
					(rs, n) -> new Field(rs.getString(1), rs.getBoolean(2), rs.getInt(3), rs.getString(4),
							rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()),
					credentialId, key)
			.stream()
			.findFirst();
	}

}
