package crewship.auth.workspaces;

import java.time.Instant;
import java.util.SortedSet;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;

@Entity
@Table(name = "workspace_members")
public class WorkspaceMember {

	@Id
	private String id;

	private String workspaceId;

	private String userId;

	@Enumerated(EnumType.STRING)
	private WorkspaceRole role;

	private Instant createdAt;

	private Instant updatedAt;

	private long eventVersion;

	/** Null: the role's default set (see {@link Capabilities#resolve}). */
	private String[] capabilities;

	@Version
	private long version;

	protected WorkspaceMember() {
	}

	WorkspaceMember(String workspaceId, String userId, WorkspaceRole role, long eventVersion) {
		this.eventVersion = eventVersion;
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.userId = userId;
		this.role = role;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	void changeRole(WorkspaceRole role, long eventVersion) {
		this.role = role;
		this.eventVersion = eventVersion;
		this.updatedAt = Timestamps.now();
	}

	void changeCapabilities(String[] capabilities, long eventVersion) {
		this.capabilities = capabilities;
		this.eventVersion = eventVersion;
		this.updatedAt = Timestamps.now();
	}

	/** The effective set: the stored one, else the role's default. */
	public SortedSet<String> resolvedCapabilities() {
		return Capabilities.resolve(this.role, this.capabilities);
	}

	public String[] getCapabilities() {
		return (this.capabilities != null) ? this.capabilities.clone() : null;
	}

	public String getId() {
		return this.id;
	}

	public String getWorkspaceId() {
		return this.workspaceId;
	}

	public String getUserId() {
		return this.userId;
	}

	public WorkspaceRole getRole() {
		return this.role;
	}

	public long getEventVersion() {
		return this.eventVersion;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public Instant getUpdatedAt() {
		return this.updatedAt;
	}

}
