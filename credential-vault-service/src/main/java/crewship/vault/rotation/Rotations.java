package crewship.vault.rotation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.web.ProblemException;
import crewship.vault.credentials.Credential;
import crewship.vault.credentials.CredentialAudit;
import crewship.vault.credentials.CredentialDeleted;
import crewship.vault.credentials.Credentials;
import crewship.vault.credentials.RequestOrigin;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.crypto.SealedSecrets.Owner;

/**
 * Zero-downtime rotation: the new value goes live at once, the previous one is re-sealed
 * under the rotation (a fresh data key, bound to the rotation's id) and offered to runs
 * as a fallback until the grace window ends or an operator cancels it; then it is
 * scrubbed.
 */
@Service
public class Rotations {

	static final String OLD_VALUE = "rotation.old_value";

	static final int MAX_GRACE_SECONDS = 604800;

	private static final Logger log = LoggerFactory.getLogger(Rotations.class);

	private final JdbcTemplate jdbc;

	private final Credentials credentials;

	private final SealedSecrets secrets;

	private final CredentialAudit audit;

	private final DomainEvents events;

	Rotations(JdbcTemplate jdbc, Credentials credentials, SealedSecrets secrets, CredentialAudit audit,
			DomainEvents events) {
		this.jdbc = jdbc;
		this.credentials = credentials;
		this.secrets = secrets;
		this.audit = audit;
		this.events = events;
	}

	record Rotation(String id, String credentialId, int graceSeconds, Instant rotatedAt, Instant expiresAt,
			String rotatedBy, String status, boolean oldValueGone, Instant cancelledAt) {
	}

	@Transactional
	Rotation rotate(String workspaceId, String credentialId, String actor, RequestOrigin origin, String value,
			int graceSeconds) {
		if (graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
			throw ProblemException.badRequest("grace_seconds must be between 0 and " + MAX_GRACE_SECONDS);
		}
		Credential credential = this.credentials.find(workspaceId, credentialId);
		Instant now = Timestamps.now();
		String id = Cuid.next();
		boolean graced = graceSeconds > 0;
		// the old value is kept only when there is something to fall back to
		Optional<String> previous = graced ? this.secrets.open(credential.valueOwner()) : Optional.empty();
		String status = (graced && previous.isPresent()) ? "ACTIVE" : "EXPIRED";
		this.jdbc.update(
				"""
						insert into credential_rotations (id, credential_id, workspace_id, grace_seconds, rotated_at, expires_at, rotated_by, status)
						values (?, ?, ?, ?, ?, ?, ?, ?)""",
				id, credentialId, workspaceId, graceSeconds, Timestamp.from(now),
				Timestamp.from(now.plusSeconds(graceSeconds)), actor, status);
		if ("ACTIVE".equals(status)) {
			this.secrets.put(new Owner(OLD_VALUE, id), previous.get());
		}
		this.credentials.replaceValue(credential, value);
		this.audit.record(credential, "ROTATE", actor, null, origin,
				Map.of("rotation_id", id, "grace_seconds", graceSeconds, "rotated_by", actor));
		this.events.publish("credential.rotated", workspaceId, credentialId, actor,
				Map.of("credential_id", credentialId, "rotation_id", id, "grace_seconds", graceSeconds));
		return find(id).orElseThrow();
	}

	@Transactional
	List<Rotation> history(String workspaceId, String credentialId, WorkspaceRole role) {
		this.credentials.findVisible(workspaceId, credentialId, role);
		expireDue();
		return this.jdbc.query(
				"select * from credential_rotations where credential_id = ? order by rotated_at desc, id desc",
				Rotations::map, credentialId);
	}

	/**
	 * @return the answer of the page: the new status, or the terminal one with a message
	 */
	@Transactional
	Map<String, Object> cancel(String workspaceId, String rotationId, String actor, RequestOrigin origin) {
		expireDue();
		Rotation rotation = find(rotationId).filter(found -> workspaceId.equals(workspaceOf(found.id())))
			.orElseThrow(() -> ProblemException.notFound("Rotation not found"));
		if (!"ACTIVE".equals(rotation.status())) {
			return Map.of("status", rotation.status(), "message", "rotation already terminal");
		}
		this.jdbc.update("update credential_rotations set status = 'CANCELLED', cancelled_at = ? where id = ?",
				Timestamp.from(Timestamps.now()), rotationId);
		this.secrets.delete(new Owner(OLD_VALUE, rotationId));
		this.audit.record(this.credentials.find(workspaceId, rotation.credentialId()), "ROTATION_CANCELLED", actor,
				null, origin, Map.of("rotation_id", rotationId));
		return Map.of("status", "CANCELLED");
	}

	/**
	 * The previous value of a credential whose grace window is open, for a run's 401
	 * fallback.
	 */
	@Transactional(readOnly = true)
	public Optional<String> previousValue(String credentialId) {
		List<String> open = this.jdbc.queryForList("""
				select id from credential_rotations where credential_id = ? and status = 'ACTIVE' and expires_at > now()
				 order by rotated_at desc limit 1""", String.class, credentialId);
		return open.isEmpty() ? Optional.empty() : this.secrets.open(new Owner(OLD_VALUE, open.get(0)));
	}

	/** A deleted credential is delivered nowhere: its grace values go with it. */
	@EventListener
	void credentialDeleted(CredentialDeleted deleted) {
		this.jdbc.queryForList("""
				update credential_rotations set status = 'CANCELLED', cancelled_at = now()
				 where credential_id = ? and status = 'ACTIVE' returning id""", String.class, deleted.credentialId())
			.forEach(id -> this.secrets.delete(new Owner(OLD_VALUE, id)));
	}

	/** Ends elapsed grace windows and scrubs their old values (also run before reads). */
	@Scheduled(fixedDelayString = "${crewship.vault.rotation-sweep:PT5M}", initialDelayString = "PT1M")
	@Transactional
	public void expireDue() {
		List<String> due = this.jdbc.queryForList(
				"update credential_rotations set status = 'EXPIRED' where status = 'ACTIVE' and expires_at <= now() returning id",
				String.class);
		due.forEach(id -> this.secrets.delete(new Owner(OLD_VALUE, id)));
		if (!due.isEmpty()) {
			log.info("Ended {} rotation grace windows", due.size());
		}
	}

	private String workspaceOf(String rotationId) {
		return this.jdbc.queryForObject("select workspace_id from credential_rotations where id = ?", String.class,
				rotationId);
	}

	private Optional<Rotation> find(String id) {
		return this.jdbc.query("select * from credential_rotations where id = ?", Rotations::map, id)
			.stream()
			.findFirst();
	}

	private static Rotation map(ResultSet rs, int row) throws SQLException {
		String status = rs.getString("status");
		Timestamp cancelled = rs.getTimestamp("cancelled_at");
		return new Rotation(rs.getString("id"), rs.getString("credential_id"), rs.getInt("grace_seconds"),
				rs.getTimestamp("rotated_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
				rs.getString("rotated_by"), status, !"ACTIVE".equals(status),
				(cancelled != null) ? cancelled.toInstant() : null);
	}

}
