package crewship.auth.invitations;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;

@Entity
@Table(name = "invitations")
public class Invitation {

	static final Duration LIFETIME = Duration.ofDays(7);

	@Id
	private String id;

	private String workspaceId;

	private String email;

	@Enumerated(EnumType.STRING)
	private WorkspaceRole role;

	private String invitedBy;

	private String tokenHash;

	private Instant expiresAt;

	private Instant acceptedAt;

	private Instant createdAt;

	protected Invitation() {
	}

	Invitation(String workspaceId, String email, WorkspaceRole role, String invitedBy, String tokenHash) {
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.email = email.trim().toLowerCase(Locale.ROOT);
		this.role = role;
		this.invitedBy = invitedBy;
		this.tokenHash = tokenHash;
		this.createdAt = Timestamps.now();
		this.expiresAt = this.createdAt.plus(LIFETIME);
	}

	void accept() {
		this.acceptedAt = Timestamps.now();
	}

	public String getId() {
		return this.id;
	}

	public String getWorkspaceId() {
		return this.workspaceId;
	}

	public String getEmail() {
		return this.email;
	}

	public WorkspaceRole getRole() {
		return this.role;
	}

	public String getInvitedBy() {
		return this.invitedBy;
	}

	public Instant getExpiresAt() {
		return this.expiresAt;
	}

	public Instant getAcceptedAt() {
		return this.acceptedAt;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

}
