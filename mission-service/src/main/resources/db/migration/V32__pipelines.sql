-- The pipelines the workspace's pipeline webhooks name, from webhook-service's events.
create table pipeline_webhook_target (
    webhook_id       text primary key,
    workspace_id     text        not null,
    name             text,
    pipeline_id      text,
    pipeline_slug    text,
    pipeline_version integer,
    enabled          boolean     not null,
    deleted          boolean     not null default false,
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);

create index pipeline_webhook_target_ws on pipeline_webhook_target (workspace_id);

-- Runs that pipeline-webhook deliveries start (id = the delivery id the dispatch answered).
create table pipeline_run (
    id              text primary key,
    workspace_id    text        not null,
    pipeline_id     text,
    pipeline_slug   text,
    pipeline_name   text,
    webhook_id      text        not null,
    status          text        not null,
    idempotency_key text,
    inputs          text,
    triggered_via   text        not null,
    cancel_requested boolean    not null default false,
    cost_usd        numeric(18, 6),
    error_message   text,
    started_at      timestamptz not null,
    ended_at        timestamptz
);

create index pipeline_run_recent on pipeline_run (workspace_id, started_at desc, id desc);
