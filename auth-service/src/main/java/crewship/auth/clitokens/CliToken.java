package crewship.auth.clitokens;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/** A long-lived bearer token's record: its hash, never the token. */
@Entity
@Table(name = "cli_tokens")
public class CliToken {

	/**
	 * STANDARD tokens act with the user's role; ADMIN tokens are OWNER-only (not issued
	 * yet).
	 */
	public enum Tier {

		STANDARD, ADMIN

	}

	@Id
	private String id;

	private String userId;

	private String name;

	@Enumerated(EnumType.STRING)
	private Tier tier;

	private String tokenHash;

	private Instant createdAt;

	private Instant lastUsedAt;

	private Instant expiresAt;

	private Instant revokedAt;

	protected CliToken() {
	}

	CliToken(String userId, String name, Tier tier, String tokenHash, Instant expiresAt) {
		this.id = Cuid.next();
		this.userId = userId;
		this.name = name;
		this.tier = tier;
		this.tokenHash = tokenHash;
		this.createdAt = Timestamps.now();
		this.expiresAt = expiresAt;
	}

	boolean isUsable(Instant now) {
		return this.revokedAt == null && (this.expiresAt == null || now.isBefore(this.expiresAt));
	}

	boolean revoke() {
		if (this.revokedAt != null) {
			return false;
		}
		this.revokedAt = Timestamps.now();
		return true;
	}

	void markUsed(Instant now) {
		this.lastUsedAt = now;
	}

	public String getId() {
		return this.id;
	}

	public String getUserId() {
		return this.userId;
	}

	public String getName() {
		return this.name;
	}

	public Tier getTier() {
		return this.tier;
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

	public Instant getRevokedAt() {
		return this.revokedAt;
	}

}
