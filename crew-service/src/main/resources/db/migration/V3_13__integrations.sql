-- MCP integrations at three tiers (workspace servers, crew servers and their per-tool state,
-- agent bindings), OAuth authorization states, the MCP registry and Composio bookkeeping.
-- No secret lives here: tokens, client secrets, API keys and PKCE verifiers are sealed by
-- credential-vault-service; rows only name the vault credential (credential_id).

create table mcp_server (
    id               varchar(32)  primary key,
    workspace_id     varchar(64)  not null,
    name             varchar(100) not null,
    display_name     varchar(200) not null,
    transport        varchar(32)  not null,
    endpoint         varchar(2048),
    command          varchar(1024),
    args_json        text,
    env_json         text,
    config_json      text,
    icon             varchar(200),
    enabled          boolean      not null default true,
    credential_id    varchar(64),
    cred_type        varchar(16),
    cred_header      varchar(200),
    auth_status      varchar(32),
    source           varchar(64),
    -- whether crew-service made credential_id for this server (connector install, OAuth
    -- auto-connect): deleting the server removes it from the vault unless still referenced
    owns_credential  boolean      not null default false,
    last_test_status varchar(32),
    last_tested_at   timestamptz,
    created_by       varchar(64),
    created_at       timestamptz  not null,
    updated_at       timestamptz  not null,
    version          bigint       not null default 0,
    unique (workspace_id, name)
);
create index mcp_server_credential on mcp_server (credential_id) where credential_id is not null;

create table crew_mcp_server (
    id                      varchar(32)  primary key,
    workspace_id            varchar(64)  not null,
    crew_id                 varchar(32)  not null references crew (id),
    workspace_mcp_server_id varchar(32)  references mcp_server (id),
    name                    varchar(100) not null,
    display_name            varchar(200) not null,
    -- on a row linked to a workspace server, a null definition field inherits the server's
    transport               varchar(32),
    endpoint                varchar(2048),
    command                 varchar(1024),
    args_json               text,
    env_json                text,
    config_json             text,
    icon                    varchar(200),
    enabled                 boolean      not null default true,
    credential_id           varchar(64),
    cred_type               varchar(16),
    cred_header             varchar(200),
    auth_status             varchar(32),
    source                  varchar(64),
    -- whether crew-service made credential_id for this row (OAuth auto-connect, a connector
    -- install): a delete then removes it from the vault unless another binding uses it
    owns_credential         boolean      not null default false,
    last_test_status        varchar(32),
    last_tested_at          timestamptz,
    created_by              varchar(64),
    created_at              timestamptz  not null,
    updated_at              timestamptz  not null,
    version                 bigint       not null default 0,
    unique (crew_id, name)
);
create index crew_mcp_server_workspace on crew_mcp_server (workspace_id, crew_id);
create index crew_mcp_server_linked on crew_mcp_server (workspace_mcp_server_id) where workspace_mcp_server_id is not null;

-- per-crew tool state; a tool without a row is enabled
create table mcp_tool_binding (
    id                 varchar(32)  primary key,
    crew_mcp_server_id varchar(32)  not null references crew_mcp_server (id) on delete cascade,
    tool_name          varchar(200) not null,
    description        text,
    input_schema       text,
    enabled            boolean      not null default true,
    created_at         timestamptz  not null,
    updated_at         timestamptz  not null,
    unique (crew_mcp_server_id, tool_name)
);

create table agent_mcp_binding (
    id                   varchar(32)  primary key,
    workspace_id         varchar(64)  not null,
    agent_id             varchar(32)  not null references agent (id),
    mcp_server_id        varchar(32)  not null,
    mcp_server_scope     varchar(16)  not null,
    credential_id        varchar(64),
    cred_type            varchar(16)  not null default 'bearer',
    cred_header          varchar(200),
    env_var_name         varchar(200),
    enabled              boolean      not null default true,
    config_override_json text,
    source               varchar(64),
    created_at           timestamptz  not null,
    updated_at           timestamptz  not null,
    unique (agent_id, mcp_server_id, mcp_server_scope)
);
create index agent_mcp_binding_server on agent_mcp_binding (mcp_server_id, mcp_server_scope);

-- An OAuth authorization in flight: the state is kept only as its SHA-256 (the value travels
-- through the browser), bound to the user and workspace that started it, single use.
create table oauth_state (
    id            varchar(32)  primary key,
    state_sha256  varchar(64)  not null unique,
    workspace_id  varchar(64)  not null,
    user_id       varchar(64)  not null,
    credential_id varchar(64)  not null,
    redirect_uri  varchar(2048) not null,
    purpose       varchar(32)  not null,
    expires_at    timestamptz  not null,
    consumed_at   timestamptz,
    created_at    timestamptz  not null
);
create index oauth_state_expiry on oauth_state (expires_at);

-- The instance's copy of the MCP registry (not per workspace).
create table mcp_registry_entry (
    id               varchar(200) primary key,
    name             varchar(200) not null,
    display_name     varchar(300) not null,
    description      text,
    category         varchar(100),
    transport        varchar(32),
    endpoint         varchar(2048),
    command          varchar(1024),
    package_name     varchar(300),
    package_registry varchar(50),
    env_vars_json    text,
    homepage_url     varchar(2048),
    source_url       varchar(2048),
    icon             varchar(2048),
    auth_type        varchar(50),
    trust_tier       varchar(16)  not null,
    is_featured      boolean      not null default false,
    is_verified      boolean      not null default false,
    synced_at        timestamptz  not null
);
create index mcp_registry_listing on mcp_registry_entry (is_featured desc, display_name, id);

-- one row per instance: when the registry was last synced, so every replica sees the cooldown
create table mcp_registry_sync (
    id             smallint     primary key,
    started_at     timestamptz,
    finished_at    timestamptz,
    status         varchar(32),
    message        text,
    entries        integer
);
insert into mcp_registry_sync (id, status) values (1, 'never');

-- Composio per workspace: which vault credential holds the workspace's API key (never the key)
-- and the default connector's state.
create table composio_settings (
    workspace_id          varchar(64)  primary key,
    credential_id         varchar(64),
    label                 varchar(200),
    -- the vault credential provisioned Composio MCP servers authenticate with when the key
    -- is the instance's (COMPOSIO_API_KEY) rather than the workspace's own
    connector_credential_id varchar(64),
    default_user_id       varchar(200),
    default_mcp_server_id varchar(32),
    updated_at            timestamptz  not null
);

-- an agent's per-app Composio bindings: each provisioned a workspace server and an agent binding
create table composio_agent_app (
    id              varchar(32)  primary key,
    workspace_id    varchar(64)  not null,
    agent_id        varchar(32)  not null references agent (id),
    user_id         varchar(200) not null,
    toolkit         varchar(200) not null,
    mode            varchar(16)  not null,
    allowed_tools   text,
    endpoint        varchar(2048) not null,
    composio_server_id varchar(200),
    mcp_server_id   varchar(32)  not null,
    created_at      timestamptz  not null,
    unique (agent_id, toolkit)
);
