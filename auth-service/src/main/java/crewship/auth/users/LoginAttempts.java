package crewship.auth.users;

import java.time.Duration;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * Per-account brute-force backoff, shared by sign-in and password change. A miss is
 * recorded in its own transaction, so the failure that follows cannot roll it back.
 */
@Component
public class LoginAttempts {

	private final UserRepository users;

	private final AuditTrail audit;

	LoginAttempts(UserRepository users, AuditTrail audit) {
		this.users = users;
		this.audit = audit;
	}

	/**
	 * @throws ProblemException 429 with Retry-After while the account is locked
	 */
	public void requireUnlocked(User user) {
		Duration locked = user.lockedFor(Timestamps.now());
		if (!locked.isZero()) {
			throw ProblemException.tooManyRequests("Too many failed attempts; try again later", locked);
		}
	}

	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void failed(String userId, String ip, String userAgent) {
		this.users.findById(userId).ifPresent(user -> user.recordFailedLogin(Timestamps.now()));
		this.audit.record(new AuditRecord(null, userId, "auth.login_failed", "user", userId, null, ip, userAgent));
	}

	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void succeeded(String userId, String ip, String userAgent) {
		this.users.findById(userId).ifPresent(User::recordSuccessfulLogin);
		this.audit.record(new AuditRecord(null, userId, "auth.login", "user", userId, null, ip, userAgent));
	}

}
