package crewship.crew.integrations;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/**
 * An agent's binding to a workspace or crew server: on or off for the agent, optionally
 * with its own credential (by vault id) and how to present it.
 */
@Entity
@Table(name = "agent_mcp_binding")
public class AgentBinding {

	public static final String WORKSPACE = "workspace";

	public static final String CREW = "crew";

	@Id
	String id;

	@Column(name = "workspace_id")
	String workspaceId;

	@Column(name = "agent_id")
	String agentId;

	@Column(name = "mcp_server_id")
	String serverId;

	@Column(name = "mcp_server_scope")
	String scope;

	@Column(name = "credential_id")
	String credentialId;

	@Column(name = "cred_type")
	String credType = "bearer";

	@Column(name = "cred_header")
	String credHeader;

	@Column(name = "env_var_name")
	String envVarName;

	boolean enabled = true;

	@Column(name = "config_override_json")
	String configOverrideJson;

	String source;

	@Column(name = "created_at")
	Instant createdAt;

	@Column(name = "updated_at")
	Instant updatedAt;

	protected AgentBinding() {
	}

	AgentBinding(String workspaceId, String agentId, String serverId, String scope) {
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.agentId = agentId;
		this.serverId = serverId;
		this.scope = scope;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	public String getId() {
		return this.id;
	}

	void touch() {
		this.updatedAt = Timestamps.now();
	}

}
