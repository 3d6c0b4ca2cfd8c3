package crewship.auth.recovery;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.auth.sessions.SessionService;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Secrets;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * Single-use tokens that set a password: the setup link of a provisioned member (7 days)
 * and, later, password reset. The raw token is shown once; the database keeps its
 * SHA-256, and redeeming deletes the row, so two concurrent redemptions serialise on the
 * delete and only one wins.
 */
@Service
public class PasswordTokens {

	public static final Duration SETUP_LIFETIME = Duration.ofDays(7);

	private final JdbcTemplate jdbc;

	private final SessionService sessions;

	PasswordTokens(JdbcTemplate jdbc, SessionService sessions) {
		this.jdbc = jdbc;
		this.sessions = sessions;
	}

	/** A token just issued: the raw value (shown once) and when it stops working. */
	public record Issued(String token, Instant expiresAt) {
	}

	@Transactional(propagation = Propagation.MANDATORY)
	public Issued issue(String userId, String purpose, Duration lifetime) {
		String token = Secrets.randomHex(32);
		Instant now = Timestamps.now();
		Instant expires = now.plus(lifetime);
		this.jdbc.update("""
				insert into verification_tokens (id, user_id, purpose, token_hash, created_at, expires_at)
				values (?, ?, ?, ?, ?, ?)""", Cuid.next(), userId, purpose, Secrets.sha256Hex(token),
				Timestamp.from(now), Timestamp.from(expires));
		return new Issued(token, expires);
	}

	/**
	 * Burns the token and sets the password; every session of the user is revoked, so a
	 * stolen cookie cannot outlive the reset.
	 * @throws ProblemException 400 for an unknown, expired or already used token
	 */
	@Transactional
	public void redeem(String token, String newPassword) {
		// looked up by hash: the comparison happens on a digest, not the secret itself
		List<String> users = this.jdbc.queryForList(
				"delete from verification_tokens where token_hash = ? and expires_at > ? returning user_id",
				String.class, Secrets.sha256Hex(token), Timestamp.from(Timestamps.now()));
		if (users.isEmpty()) {
			throw ProblemException.badRequest("Invalid or expired token");
		}
		// through the identity provider: with Keycloak, a provisioned account is created
		// there now, with the password its owner chose
		this.sessions.changePassword(users.get(0), newPassword, null);
	}

}
