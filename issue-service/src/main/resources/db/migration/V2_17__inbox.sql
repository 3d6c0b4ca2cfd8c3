-- The inbox (inbox page): what waits for a person, fed from the domain topics (a guided hire's
-- approval and a trusted hire's notice from crew-service, escalations, Keeper requests the judge
-- escalated) and from issue-service itself (mentions in comments).

-- One row per (source, recipient). A source-managed item (waitpoint, escalation) is resolved by
-- its source's own event: resolved_* here then hold for everyone who sees it.
create table inbox_item (
    id                  varchar(32)  primary key,
    workspace_id        varchar(64)  not null,
    kind                varchar(40)  not null,
    source_id           varchar(128) not null,
    target_user_id      varchar(64),
    target_role         varchar(16),
    title               varchar(300) not null,
    body_md             text,
    sender_type         varchar(16),
    sender_id           varchar(64),
    -- a sender the local directories cannot name (a Keeper request names its agent only)
    sender_name         varchar(200),
    priority            varchar(16)  not null,
    blocking            boolean      not null,
    payload             jsonb,
    resolved_at         timestamptz,
    resolved_by_user_id varchar(64),
    resolved_action     varchar(32),
    created_at          timestamptz  not null,
    updated_at          timestamptz  not null
);
-- a redelivered or replayed source event finds its item instead of writing a second one
create unique index inbox_item_source on inbox_item (workspace_id, kind, source_id, coalesce(target_user_id, ''));
create index inbox_item_newest on inbox_item (workspace_id, created_at desc, id desc);

-- Each person's own read/resolved state of an item (none: unread), so one admin reading a
-- role-addressed item leaves it unread for the others.
create table inbox_state (
    item_id         varchar(32)  not null references inbox_item (id) on delete cascade,
    user_id         varchar(64)  not null,
    state           varchar(16)  not null,
    read_at         timestamptz,
    resolved_at     timestamptz,
    resolved_action varchar(32),
    updated_at      timestamptz  not null,
    primary key (item_id, user_id)
);
