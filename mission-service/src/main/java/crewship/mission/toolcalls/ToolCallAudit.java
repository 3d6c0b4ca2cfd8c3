package crewship.mission.toolcalls;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Secrets;
import crewship.platform.ids.Timestamps;

/**
 * The MCP tool-call audit trail. The run engine calls {@link #record} for every tool call
 * (in its transaction, or its own): the row keeps who called which tool on which server,
 * how it ended and a SHA-256 of the input — never the input itself, which may hold
 * anything the agent read. An error message is capped at 1000 characters.
 */
@Component
public class ToolCallAudit {

	static final Set<String> STATUSES = Set.of("success", "error", "denied", "timeout");

	static final Set<String> SCOPES = Set.of("workspace", "crew", "agent");

	private final JdbcTemplate jdbc;

	ToolCallAudit(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * @return the audit row's id
	 */
	@Transactional
	public String record(ToolCall call) {
		if (call.workspaceId() == null || call.agentId() == null || call.mcpServerId() == null
				|| call.toolName() == null) {
			throw new IllegalArgumentException("A tool call needs a workspace, an agent, a server and a tool");
		}
		if (!STATUSES.contains(call.status())) {
			throw new IllegalArgumentException("Unknown tool call status " + call.status());
		}
		// Set.of(...).contains(null) throws: a call without a known server has no scope
		String scope = (call.mcpServerScope() != null && SCOPES.contains(call.mcpServerScope())) ? call.mcpServerScope()
				: "workspace";
		String error = call.errorMessage();
		if (error != null && error.length() > 1000) {
			error = error.substring(0, 1000);
		}
		String id = Cuid.next();
		this.jdbc.update("""
				insert into mcp_tool_call (id, workspace_id, crew_id, agent_id, run_id, mcp_server_id, mcp_server_scope,
				    tool_name, status, duration_ms, error_message, input_hash, created_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				""", id, call.workspaceId(), call.crewId(), call.agentId(), call.runId(), call.mcpServerId(), scope,
				call.toolName(), call.status(), call.durationMs(), error,
				(call.input() != null) ? Secrets.sha256Hex(call.input()) : null, Timestamp.from(Timestamps.now()));
		return id;
	}

	/** The filtered list, newest first, bounded. */
	List<Map<String, Object>> list(String workspaceId, String agentId, String serverId, String status, Instant since,
			Instant until, int limit) {
		StringBuilder sql = new StringBuilder("""
				select id, workspace_id, crew_id, agent_id, mcp_server_id, mcp_server_scope, tool_name, status,
				       duration_ms, error_message, input_hash, created_at
				  from mcp_tool_call where workspace_id = ?""");
		List<Object> args = new ArrayList<>(List.of(workspaceId));
		if (agentId != null) {
			sql.append(" and agent_id = ?");
			args.add(agentId);
		}
		if (serverId != null) {
			sql.append(" and mcp_server_id = ?");
			args.add(serverId);
		}
		if (status != null) {
			sql.append(" and status = ?");
			args.add(status);
		}
		if (since != null) {
			sql.append(" and created_at >= ?");
			args.add(Timestamp.from(since));
		}
		if (until != null) {
			sql.append(" and created_at <= ?");
			args.add(Timestamp.from(until));
		}
		sql.append(" order by created_at desc, id desc limit ?");
		args.add(limit);
		return this.jdbc.query(sql.toString(), (rs, n) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", rs.getString("id"));
			row.put("workspace_id", rs.getString("workspace_id"));
			row.put("crew_id", rs.getString("crew_id"));
			row.put("agent_id", rs.getString("agent_id"));
			row.put("mcp_server_id", rs.getString("mcp_server_id"));
			row.put("mcp_server_scope", rs.getString("mcp_server_scope"));
			row.put("tool_name", rs.getString("tool_name"));
			row.put("status", rs.getString("status"));
			row.put("duration_ms", rs.getObject("duration_ms"));
			row.put("error_message", rs.getString("error_message"));
			row.put("input_hash", rs.getString("input_hash"));
			row.put("created_at", rs.getTimestamp("created_at").toInstant().toString());
			return row;
		}, args.toArray());
	}

}
