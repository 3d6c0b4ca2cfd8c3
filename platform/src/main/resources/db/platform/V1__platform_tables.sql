-- The platform's tables, present in every service database.

-- Transactional outbox: rows are the queue; the relay deletes them once Kafka acknowledged them.
create table platform_outbox (
    position   bigserial primary key,
    event_id   text        not null,
    topic      text        not null,
    record_key text,
    payload    text,                      -- null: a tombstone for a compacted topic
    created_at timestamptz not null default now()
);

-- Idempotent consumption: the event ids each consumer has applied.
create table platform_processed_event (
    consumer     text        not null,
    event_id     text        not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
);

-- The membership replica fed by crewship.memberships.v1; role null once removed.
create table platform_workspace_membership (
    workspace_id text        not null,
    user_id      text        not null,
    role         text,
    version      bigint      not null,
    updated_at   timestamptz not null default now(),
    primary key (workspace_id, user_id)
);
