package crewship.mission.toolcalls;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.mission.JournalTestSupport;
import crewship.platform.membership.WorkspaceRole;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The MCP tool-call audit trail: what the engine records, admins read, filtered. */
class ToolCallAuditTests extends JournalTestSupport {

	@Autowired
	ToolCallAudit audit;

	@Test
	void recordsCallsWithoutTheirInputAndListsThemFiltered() {
		this.audit.record(new ToolCall(this.workspaceId, "crew1", "agent1", "run1", "srv-github", "crew", "create_pr",
				"success", 120L, null, "{\"token\":\"canary-value\"}"));
		this.audit.record(new ToolCall(this.workspaceId, "crew1", "agent2", "run2", "srv-github", "crew", "merge_pr",
				"error", 40L, "conflict", null));
		this.audit.record(new ToolCall(this.workspaceId, null, "agent1", "run3", "srv-slack", "workspace", "post",
				"success", 10L, null, null));

		JsonNode all = this.owner.get(ws("/api/v1/mcp-tool-calls")).json();
		assertThat(all).hasSize(3);
		assertThat(all.get(2).get("tool_name").asString()).isEqualTo("create_pr");
		assertThat(all.get(2).get("input_hash").asString()).hasSize(64);
		assertThat(all.toString()).doesNotContain("canary-value");
		assertThat(this.owner.get(ws("/api/v1/mcp-tool-calls?agent_id=agent1")).json()).hasSize(2);
		assertThat(this.owner.get(ws("/api/v1/mcp-tool-calls?server_id=srv-github&status=error")).json())
			.singleElement()
			.satisfies(row -> assertThat(row.get("error_message").asString()).isEqualTo("conflict"));
		assertThat(this.owner.get(ws("/api/v1/mcp-tool-calls?limit=1")).json()).hasSize(1);
		assertThat(this.owner.get(ws("/api/v1/mcp-tool-calls?limit=101")).status()).isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/mcp-tool-calls?status=maybe")).status()).isEqualTo(400);
		assertThat(newMember(WorkspaceRole.MEMBER).get(ws("/api/v1/mcp-tool-calls")).status()).isEqualTo(403);
	}

}
