package crewship.auth.sessions;

import java.time.Duration;
import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
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
