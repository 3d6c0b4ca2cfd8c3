-- Audit rows of MCP tool calls made by agents' runs (ToolCallAudit.record).
create table mcp_tool_call (
    id               text primary key,
    workspace_id     text        not null,
    crew_id          text,
    agent_id         text        not null,
    run_id           text,
    mcp_server_id    text        not null,
    mcp_server_scope text        not null,
    tool_name        text        not null,
    status           text        not null,
    duration_ms      bigint,
    error_message    text,
    input_hash       text,
    created_at       timestamptz not null
);

create index mcp_tool_call_recent on mcp_tool_call (workspace_id, created_at desc, id desc);
