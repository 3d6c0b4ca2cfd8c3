package crewship.crew.integrations;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/**
 * A workspace-level MCP server, available to every crew and agent of the workspace. Its
 * credential, when it has one, is a vault credential named by id only.
 */
@Entity
@Table(name = "mcp_server")
public class WorkspaceServer {

	@Id
	String id;

	@Column(name = "workspace_id")
	String workspaceId;

	String name;

	@Column(name = "display_name")
	String displayName;

	@Embedded
	ServerDefinition definition;

	boolean enabled = true;

	@Column(name = "credential_id")
	String credentialId;

	@Column(name = "cred_type")
	String credType;

	@Column(name = "cred_header")
	String credHeader;

	@Column(name = "auth_status")
	String authStatus;

	String source;

	@Column(name = "owns_credential")
	boolean ownsCredential;

	@Column(name = "last_test_status")
	String lastTestStatus;

	@Column(name = "last_tested_at")
	Instant lastTestedAt;

	@Column(name = "created_by")
	String createdBy;

	@Column(name = "created_at")
	Instant createdAt;

	@Column(name = "updated_at")
	Instant updatedAt;

	@Version
	long version;

	protected WorkspaceServer() {
	}

	WorkspaceServer(String workspaceId, String name, String displayName, ServerDefinition definition,
			String createdBy) {
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.name = name;
		this.displayName = displayName;
		this.definition = definition;
		this.createdBy = createdBy;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	public String getId() {
		return this.id;
	}

	public String getName() {
		return this.name;
	}

	public String getDisplayName() {
		return this.displayName;
	}

	public ServerDefinition getDefinition() {
		return this.definition;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public String getCredentialId() {
		return this.credentialId;
	}

	/**
	 * Hibernate loads an embeddable whose columns are all null as null: an override
	 * inheriting everything.
	 */
	@PostLoad
	void loaded() {
		if (this.definition == null) {
			this.definition = new ServerDefinition();
		}
	}

	void touch() {
		this.updatedAt = Timestamps.now();
	}

}
