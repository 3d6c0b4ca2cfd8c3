package crewship.auth.sessions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Secrets;
import crewship.platform.ids.Timestamps;

/**
 * A browser session: the server-side half of the session cookie, revocable at any time.
 */
@Entity
@Table(name = "user_sessions")
public class UserSession {

	@Id
	private String id;

	private String userId;

	private Instant createdAt;

	private Instant lastUsedAt;

	private Instant expiresAt;

	private Instant revokedAt;

	private String userAgent;

	private String ip;

	private String refreshJti;

	protected UserSession() {
	}

	UserSession(String userId, Duration lifetime, String userAgent, String ip) {
		this.id = Cuid.next();
		this.userId = userId;
		this.createdAt = Timestamps.now();
		this.lastUsedAt = this.createdAt;
		this.expiresAt = this.createdAt.plus(lifetime);
		this.userAgent = (userAgent != null && userAgent.length() > 512) ? userAgent.substring(0, 512) : userAgent;
		this.ip = ip;
		this.refreshJti = Secrets.randomHex(16);
	}

	public boolean isActive(Instant now) {
		return this.revokedAt == null && now.isBefore(this.expiresAt);
	}

	/**
	 * @return whether this call revoked it
	 */
	boolean revoke() {
		if (this.revokedAt != null) {
			return false;
		}
		this.revokedAt = Timestamps.now();
		return true;
	}

	/**
	 * Moves the refresh token on from {@code presentedJti} to a new one, once: a second
	 * exchange of the same token finds the JTI already moved and gets false.
	 * @return whether {@code presentedJti} was the current refresh token
	 */
	boolean rotateRefresh(String presentedJti) {
		if (this.refreshJti == null || !MessageDigest.isEqual(this.refreshJti.getBytes(StandardCharsets.UTF_8),
				presentedJti.getBytes(StandardCharsets.UTF_8))) {
			return false;
		}
		this.refreshJti = Secrets.randomHex(16);
		return true;
	}

	String getRefreshJti() {
		return this.refreshJti;
	}

	void touch(Instant now) {
		this.lastUsedAt = now;
	}

	public String getId() {
		return this.id;
	}

	public String getUserId() {
		return this.userId;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public Instant getLastUsedAt() {
		return this.lastUsedAt;
	}

	public Instant getExpiresAt() {
		return this.expiresAt;
	}

	public String getUserAgent() {
		return this.userAgent;
	}

	public String getIp() {
		return this.ip;
	}

}
