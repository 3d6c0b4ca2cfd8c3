-- Runs: one row per request for an agent to work, whatever triggered it. The row is the
-- queue (PENDING), the lease of the replica executing it (RUNNING) and the record (terminal).
create table run (
    id                  text        primary key,
    workspace_id        text        not null,
    agent_id            text        not null,
    crew_id             text,
    trigger             text        not null,
    status              text        not null,
    prompt              text        not null,
    conversation        jsonb       not null default '[]',
    mission_id          text,
    task_id             text,
    chat_id             text,
    issue_id            text,
    tags                text[]      not null default '{}',
    dedup_key           text,
    triggered_by        text,
    -- what the runtime produced
    output              text,
    error               text,
    runtime             text,
    provider            text,
    model               text,
    input_tokens        bigint,
    output_tokens       bigint,
    cost_usd            numeric(14, 6),
    -- execution: attempts, the replica's lease, a cancel asked for in the database
    attempt             integer     not null default 0,
    recovered           boolean     not null default false,
    claimed_by          text,
    lease_owner         text,
    lease_expires_at    timestamptz,
    cancel_requested_at timestamptz,
    cancel_reason       text,
    created_at          timestamptz not null,
    started_at          timestamptz,
    finished_at         timestamptz,
    duration_ms         bigint,
    updated_at          timestamptz not null,
    constraint run_status_known check (status in ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'))
);

-- a second request with the same key for the same agent is the first one
create unique index run_dedup on run (agent_id, dedup_key) where dedup_key is not null;
-- the claim's queue, oldest first
create index run_pending on run (created_at) where status = 'PENDING';
-- caps, lease expiry and the in-flight counts
create index run_running on run (workspace_id, agent_id) where status = 'RUNNING';
create index run_workspace_created on run (workspace_id, created_at desc, id desc);
create index run_agent_created on run (agent_id, created_at desc, id desc);
create index run_issue on run (issue_id) where issue_id is not null;

-- An agent's log: lifecycle lines, the runtime's log lines and the tail of each run's
-- output. Bounded: lines are capped in length and per run, and pruned by age.
create table run_log (
    id           bigserial   primary key,
    run_id       text        not null,
    workspace_id text        not null,
    agent_id     text        not null,
    ts           timestamptz not null,
    level        text        not null,
    event        text        not null,
    content      text        not null
);
create index run_log_agent on run_log (agent_id, id desc);
create index run_log_ts on run_log (ts);

-- The agents (and their crews' names) mission-service knows, from crew-service's events.
create table agent_profile (
    agent_id        text        primary key,
    workspace_id    text        not null,
    crew_id         text,
    name            text,
    slug            text,
    agent_role      text,
    status          text,
    llm_provider    text,
    llm_model       text,
    timeout_seconds integer,
    persona         text,
    skills          jsonb,
    deleted         boolean     not null default false,
    event_time      timestamptz not null
);
create index agent_profile_workspace on agent_profile (workspace_id);

create table crew_profile (
    crew_id      text        primary key,
    workspace_id text        not null,
    name         text,
    slug         text,
    deleted      boolean     not null default false,
    event_time   timestamptz not null
);

-- The engine replicas: each beats here while it is up.
create table engine_replica (
    replica_id   text        primary key,
    host         text,
    started_at   timestamptz not null,
    heartbeat_at timestamptz not null,
    in_flight    integer     not null default 0,
    runtime      text
);
