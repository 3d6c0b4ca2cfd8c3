package crewship.auth.users;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

@Entity
@Table(name = "users")
public class User {

	static final int FREE_ATTEMPTS = 5;

	static final java.time.Duration FIRST_LOCK = java.time.Duration.ofSeconds(30);

	static final java.time.Duration MAX_LOCK = java.time.Duration.ofMinutes(15);

	@Id
	private String id;

	private String email;

	private String fullName;

	@Column(name = "password_hash")
	private String passwordHash;

	/** The Keycloak user holding the password, when Keycloak is the identity provider. */
	@Column(name = "keycloak_subject")
	private String keycloakSubject;

	private Instant createdAt;

	private Instant updatedAt;

	/** The stored avatar's content hash, or null without one ({@link #avatarUrl()}). */
	@Column(name = "avatar_sha256")
	private String avatarSha256;

	private int failedLoginCount;

	private Instant lockedUntil;

	@Version
	private long version;

	protected User() {
	}

	public User(String email, String fullName, String passwordHash) {
		this.id = Cuid.next();
		this.email = email.trim().toLowerCase(java.util.Locale.ROOT);
		this.fullName = fullName.trim();
		this.passwordHash = passwordHash;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	public void changePassword(String passwordHash) {
		this.passwordHash = passwordHash;
		this.updatedAt = Timestamps.now();
	}

	/**
	 * The password now lives in Keycloak under that user id; no local hash is kept beside
	 * it.
	 */
	public void linkKeycloak(String subject) {
		this.keycloakSubject = subject;
		this.passwordHash = null;
		this.updatedAt = Timestamps.now();
	}

	/**
	 * Wrong password: after {@link #FREE_ATTEMPTS} misses the account locks, doubling
	 * each time.
	 */
	public void recordFailedLogin(Instant now) {
		this.failedLoginCount++;
		if (this.failedLoginCount >= FREE_ATTEMPTS) {
			long seconds = Math.min(MAX_LOCK.toSeconds(),
					FIRST_LOCK.toSeconds() << Math.min(10, this.failedLoginCount - FREE_ATTEMPTS));
			this.lockedUntil = now.plusSeconds(seconds);
		}
	}

	public void recordSuccessfulLogin() {
		this.failedLoginCount = 0;
		this.lockedUntil = null;
	}

	/**
	 * @return how long the account stays locked, zero when it is not
	 */
	public java.time.Duration lockedFor(Instant now) {
		return (this.lockedUntil != null && this.lockedUntil.isAfter(now))
				? java.time.Duration.between(now, this.lockedUntil) : java.time.Duration.ZERO;
	}

	public void rename(String fullName) {
		this.fullName = fullName.trim();
		this.updatedAt = Timestamps.now();
	}

	/** The serve URL of the user's avatar (changes with it), or null without one. */
	public String avatarUrl() {
		return avatarUrl(this.id, this.avatarSha256);
	}

	/** The serve URL for a user id and avatar hash read without the entity. */
	public static String avatarUrl(String userId, String avatarSha256) {
		return (avatarSha256 != null) ? "/api/v1/users/" + userId + "/avatar?v=" + avatarSha256.substring(0, 16) : null;
	}

	void avatarChanged(String sha256) {
		this.avatarSha256 = sha256;
		this.updatedAt = Timestamps.now();
	}

	public String getId() {
		return this.id;
	}

	public String getEmail() {
		return this.email;
	}

	public String getFullName() {
		return this.fullName;
	}

	public String getPasswordHash() {
		return this.passwordHash;
	}

	public String getKeycloakSubject() {
		return this.keycloakSubject;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

}
