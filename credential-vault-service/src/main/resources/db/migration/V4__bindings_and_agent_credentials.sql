-- The vault's copy of crews and agents, fed by crewship.crew.v1: enough to check that a
-- binding's crew or agent lives in the workspace and to resolve an agent's slots.
create table crew_directory (
    crew_id      text primary key,
    workspace_id text        not null,
    deleted      boolean     not null default false,
    event_time   timestamptz not null
);
create table agent_directory (
    agent_id     text primary key,
    workspace_id text        not null,
    crew_id      text,
    name         text,
    deleted      boolean     not null default false,
    event_time   timestamptz not null
);
create index agent_directory_crew on agent_directory (crew_id) where not deleted;

-- (scope, slot) -> credential. The row is the slot claim: one credential per slot and scope.
create table credential_bindings (
    id            text primary key,
    workspace_id  text        not null,
    credential_id text        not null references credentials (id),
    scope         text        not null,
    crew_id       text,
    agent_id      text,
    slot          text        not null,
    created_at    timestamptz not null
);
create unique index credential_bindings_slot
    on credential_bindings (workspace_id, scope, coalesce(crew_id, ''), coalesce(agent_id, ''), slot);

-- Explicit per-agent grants, optionally leased.
create table agent_credentials (
    id              text primary key,
    workspace_id    text        not null,
    agent_id        text        not null,
    credential_id   text        not null references credentials (id),
    env_var_name    text        not null,
    priority        integer     not null default 0,
    expires_at      timestamptz,
    lease_source    text,
    lease_issued_at timestamptz,
    created_at      timestamptz not null,
    unique (agent_id, credential_id)
);
