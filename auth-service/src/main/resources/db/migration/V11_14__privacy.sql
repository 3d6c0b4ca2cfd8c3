-- Issue 14: privacy (privacy.mdx). The peer cards agents keep about people, each person's
-- opt-out, their operator model, and the audit of every read, write and delete of them.
-- These rows are the store of record; other services keep at most an index (no content)
-- and honour the purge events published from here.

create table peer_card (
    id           varchar(32)  primary key,
    workspace_id varchar(64)  not null,
    agent_id     varchar(64)  not null,
    agent_slug   varchar(100) not null,
    user_id      varchar(64)  not null,
    user_slug    varchar(100) not null,
    content      text         not null,
    bytes        integer      not null,
    created_at   timestamptz  not null,
    updated_at   timestamptz  not null,
    unique (workspace_id, agent_id, user_id)
);
create index peer_card_user on peer_card (workspace_id, user_id);

-- one row per (workspace, user) once either side touched it: the opt-out is read with a
-- share lock by every write, so a write and an opt-out are serialised
create table peer_consent (
    workspace_id varchar(64) not null,
    user_id      varchar(64) not null,
    opted_out    boolean     not null default false,
    opted_out_at timestamptz,
    updated_at   timestamptz not null,
    primary key (workspace_id, user_id)
);

create table user_model (
    workspace_id varchar(64)  not null,
    user_id      varchar(64)  not null,
    user_slug    varchar(100) not null,
    content      text         not null,
    created_at   timestamptz  not null,
    updated_at   timestamptz  not null,
    primary key (workspace_id, user_id)
);

create table peer_card_audit (
    id           varchar(32) primary key,
    workspace_id varchar(64) not null,
    user_id      varchar(64) not null,
    agent_id     varchar(64),
    card_id      varchar(32),
    action       varchar(32) not null,
    actor        varchar(64),
    at           timestamptz not null
);
create index peer_card_audit_user on peer_card_audit (workspace_id, user_id, at desc);
