-- Pipeline webhooks: the token is the URL a sender posts to. It is kept so members can
-- read the URL back (the list shows it, as the API's schema says); deliveries find their
-- webhook by its SHA-256, never by comparing the token itself. The signing secret is not
-- here: the vault mints and keeps it, under the same SHA-256.
create table pipeline_webhook (
    id                      varchar(32)  primary key,
    workspace_id            varchar(64)  not null,
    name                    varchar(200) not null,
    token                   varchar(96)  not null,
    token_sha256            char(64)     not null,
    target_pipeline_id      varchar(64),
    target_pipeline_slug    varchar(64),
    target_pipeline_version integer,
    inputs_template         jsonb        not null,
    enabled                 boolean      not null,
    rate_limit_per_min      integer      not null,
    created_by              varchar(64),
    created_at              timestamptz  not null,
    updated_at              timestamptz  not null,
    deleted_at              timestamptz
);

create unique index pipeline_webhook_token on pipeline_webhook (token_sha256);
create index pipeline_webhook_workspace on pipeline_webhook (workspace_id, created_at desc, id) where deleted_at is null;

-- Which crew each agent belongs to, from crewship.crew.v1 (the trigger's crew check and
-- the agent runs' workspace). event_time keeps a late redelivery from undoing a newer state.
create table agent_crew (
    agent_id     varchar(64) primary key,
    workspace_id varchar(64),
    crew_id      varchar(64),
    deleted      boolean     not null default false,
    event_time   timestamptz not null
);

-- A pipeline delivery may name its identity (Idempotency-Key / X-Crewship-Event-ID) on
-- top of its signature: either one seen within the window makes it a duplicate.
alter table webhook_delivery add column idempotency_key char(64);
alter table webhook_delivery add column workspace_id varchar(64);
create unique index webhook_delivery_idempotency_key on webhook_delivery (idempotency_key) where idempotency_key is not null;
create index webhook_delivery_idempotency_age on webhook_delivery (received_at) where idempotency_key is not null;
