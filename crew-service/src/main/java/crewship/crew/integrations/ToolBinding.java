package crewship.crew.integrations;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/** One tool's state on a crew server; a tool without a row is enabled. */
@Entity
@Table(name = "mcp_tool_binding")
class ToolBinding {

	@Id
	String id;

	@Column(name = "crew_mcp_server_id")
	String crewServerId;

	@Column(name = "tool_name")
	String toolName;

	String description;

	@Column(name = "input_schema")
	String inputSchema;

	boolean enabled = true;

	@Column(name = "created_at")
	Instant createdAt;

	@Column(name = "updated_at")
	Instant updatedAt;

	protected ToolBinding() {
	}

	ToolBinding(String crewServerId, String toolName, String description) {
		this.id = Cuid.next();
		this.crewServerId = crewServerId;
		this.toolName = toolName;
		this.description = description;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	void touch() {
		this.updatedAt = Timestamps.now();
	}

}
