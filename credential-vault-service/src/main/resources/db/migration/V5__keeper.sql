-- Keeper: the workspace's judge overrides, evaluator (aux) slot overrides, watchdog
-- governance, and the request log with its append-only transition history.

-- Overrides of the boot-time KEEPER_* settings; a null column inherits. The endpoint is
-- kept without its userinfo: that part is a secret and lives in sealed_secrets
-- (owner keeper_judge_userinfo:<workspace_id>).
create table keeper_config (
    workspace_id               text primary key,
    enabled                    boolean,
    judge_endpoint_url         text,
    judge_model                text,
    judge_timeout_ms           integer,
    judge_profile              text,
    judge_evidence             boolean,
    judge_evidence_facts       text[],
    judge_hard_gate            boolean,
    judge_escalate_from        integer,
    judge_precedent            boolean,
    judge_precedent_n          integer,
    judge_consistency_samples  integer,
    judge_prompt_budget_tokens integer,
    updated_by                 text        not null,
    updated_at                 timestamptz not null
);

create table keeper_aux_overrides (
    workspace_id  text        not null,
    slot          text        not null,
    provider      text,
    model         text,
    timeout_ms    integer,
    credential_id text,
    updated_by    text        not null,
    updated_at    timestamptz not null,
    primary key (workspace_id, slot)
);

create table keeper_governance (
    workspace_id             text primary key,
    enabled                  boolean     not null default false,
    security_contact_user_id text,
    deny_notify_min_risk     integer     not null default 7,
    watch_spec               text        not null default '',
    watch_presets            text[]      not null default '{}',
    require_second_approver  boolean     not null default false,
    auto_lease_seconds       integer     not null default 0,
    gov_model_provider       text        not null default '',
    gov_model_id             text        not null default '',
    gov_model_credential_id  text        not null default '',
    updated_by               text        not null,
    updated_at               timestamptz not null
);

-- One row per request the sidecar forwarded; decision is updated in place (PENDING,
-- then ALLOW / DENY / ESCALATE, an ESCALATE then settled by an operator).
create table keeper_requests (
    id                  text primary key,
    workspace_id        text        not null,
    request_type        text        not null,
    agent_id            text,
    agent_name          text,
    crew_id             text,
    credential_id       text,
    credential_name     text,
    task_id             text,
    intent              text        not null,
    command             text,
    decision            text        not null,
    reason              text,
    risk_score          integer,
    exit_code           integer,
    judge_prompt        text,
    judge_raw_response  text,
    judge_failed        boolean     not null default false,
    latency_ms          integer,
    created_at          timestamptz not null,
    decided_at          timestamptz
);
create index keeper_requests_log on keeper_requests (workspace_id, created_at desc, id desc);
create index keeper_requests_window on keeper_requests (workspace_id, decided_at desc) where decided_at is not null;

-- The transitions the in-place decision would otherwise destroy. Append-only: the
-- trigger refuses any rewrite; only a workspace purge deletes.
create table keeper_request_events (
    request_id          text        not null,
    seq                 integer     not null,
    workspace_id        text        not null,
    state               text        not null,
    request_type        text        not null,
    requesting_agent_id text,
    agent_name          text,
    requesting_crew_id  text,
    credential_id       text,
    credential_name     text,
    intent              text,
    command             text,
    reason              text,
    risk_score          integer,
    exit_code           integer,
    actor_type          text        not null,
    actor_id            text,
    recorded_at         timestamptz not null,
    primary key (request_id, seq)
);
create index keeper_request_events_workspace on keeper_request_events (workspace_id);

create function keeper_request_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'keeper_request_events is append-only';
end;
$$;
create trigger keeper_request_events_no_update before update on keeper_request_events
    for each row execute function keeper_request_events_append_only();

-- The instance-wide budget of judge probes (model discovery, judge test, slot probe):
-- one counter per minute, shared by every replica.
create table keeper_probe_budget (
    window_start timestamptz primary key,
    used         integer     not null
);

-- Who created an agent (the actor of its agent.created / agent.hired event): the owner
-- the four-eyes rule keeps from approving the agent's own escalated request.
alter table agent_directory add column created_by_user_id text;
