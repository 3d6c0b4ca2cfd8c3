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

	@Id
	private String id;

	private String email;

	private String fullName;

	@Column(name = "password_hash")
	private String passwordHash;

	private Instant createdAt;

	private Instant updatedAt;

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

	public Instant getCreatedAt() {
		return this.createdAt;
	}

}
