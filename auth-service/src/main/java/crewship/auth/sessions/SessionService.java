package crewship.auth.sessions;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.auth.AuthProperties;
import crewship.auth.idp.IdentityProvider;
import crewship.auth.users.LoginAttempts;
import crewship.auth.users.User;
import crewship.auth.users.UserRepository;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/** Sign-in with a password, and the life of the sessions it opens. */
@Service
public class SessionService {

	private static final Logger log = LoggerFactory.getLogger(SessionService.class);

	/** A user's list of sessions is bounded like every list. */
	static final int MAX_LISTED = 100;

	private final UserRepository users;

	private final UserSessionRepository sessions;

	private final IdentityProvider identities;

	private final SessionTokens tokens;

	private final AuthProperties properties;

	private final LoginAttempts attempts;

	SessionService(UserRepository users, UserSessionRepository sessions, IdentityProvider identities,
			SessionTokens tokens, AuthProperties properties, LoginAttempts attempts) {
		this.attempts = attempts;
		this.users = users;
		this.sessions = sessions;
		this.identities = identities;
		this.tokens = tokens;
		this.properties = properties;
	}

	/** A new session and its signed cookie value. */
	public record SignIn(User user, UserSession session, String token, String refreshToken) {
	}

	/**
	 * @throws ProblemException 401 for an unknown email or a wrong password, alike; 429
	 * while the account is locked after repeated misses; 503 while the identity provider
	 * cannot be reached (not a miss)
	 */
	public SignIn signIn(String email, String password, String userAgent, String ip) {
		Optional<User> user = (email != null) ? this.users.findByEmail(email.trim()) : Optional.empty();
		user.ifPresent(this.attempts::requireUnlocked);
		if (password == null || !this.identities.verify(user.orElse(null), password)) {
			user.ifPresent(found -> this.attempts.failed(found.getId(), ip, userAgent));
			throw ProblemException.unauthorized("Invalid email or password");
		}
		this.attempts.succeeded(user.get().getId(), ip, userAgent);
		return open(user.get(), userAgent, ip);
	}

	@Transactional
	public SignIn open(User user, String userAgent, String ip) {
		UserSession session = this.sessions
			.save(new UserSession(user.getId(), this.properties.sessionLifetime(), userAgent, ip));
		return new SignIn(user, session, this.tokens.sessionToken(session), this.tokens.refreshToken(session));
	}

	/**
	 * Exchanges a refresh token for a new session token and a new refresh token. The
	 * session row is locked, so of two exchanges of one token exactly one wins; the other
	 * is a replay (a stolen copy or a stolen original) and revokes the whole session.
	 * @throws ProblemException 401 for a bad, expired or replayed token, or a dead
	 * session
	 */
	@Transactional(noRollbackFor = ProblemException.class)
	public SignIn refresh(String refreshToken) {
		SessionTokens.RefreshClaims claims = this.tokens.verifyRefresh(refreshToken)
			.orElseThrow(() -> ProblemException.unauthorized("Invalid or expired refresh token"));
		UserSession session = this.sessions.lockById(claims.sessionId())
			.filter(candidate -> candidate.isActive(Timestamps.now()))
			.orElseThrow(() -> ProblemException.unauthorized("Session not found or no longer active"));
		if (!session.rotateRefresh(claims.jti())) {
			session.revoke();
			log.warn("Refresh token replayed for session {}: session revoked", session.getId());
			throw ProblemException.unauthorized("Refresh token already used; the session has been revoked");
		}
		User user = this.users.findById(session.getUserId())
			.orElseThrow(() -> ProblemException.unauthorized("Session not found or no longer active"));
		return new SignIn(user, session, this.tokens.sessionToken(session), this.tokens.refreshToken(session));
	}

	@Transactional(readOnly = true)
	public List<UserSession> active(String userId) {
		return this.sessions.findActive(userId, Timestamps.now(), Limit.of(MAX_LISTED));
	}

	/**
	 * @throws ProblemException 404 when the session is not the user's (or does not exist)
	 */
	@Transactional
	public void revoke(String userId, String sessionId) {
		UserSession session = this.sessions.findById(sessionId)
			.filter(candidate -> candidate.getUserId().equals(userId))
			.orElseThrow(() -> ProblemException.notFound("Session not found"));
		session.revoke();
	}

	/**
	 * Sets the new password and revokes every session but the one that changed it, in one
	 * transaction; the identity provider goes last, so its failure takes the revocations
	 * back. @return how many sessions were revoked
	 */
	@Transactional
	public int changePassword(String userId, String newPassword, String keepSessionId) {
		User user = this.users.findById(userId).orElseThrow();
		int revoked = this.sessions.revokeOthers(userId, (keepSessionId != null) ? keepSessionId : "",
				Timestamps.now());
		this.identities.changePassword(user, newPassword);
		return revoked;
	}

	/** For the gateway: is this session still good? Marks it used. */
	@Transactional
	public Optional<UserSession> activeSession(String sessionId) {
		Instant now = Timestamps.now();
		return this.sessions.findById(sessionId).filter(session -> session.isActive(now)).map(session -> {
			session.touch(now);
			return session;
		});
	}

}
