-- Users, their browser sessions and CLI tokens, workspaces and memberships.

create table users (
    id            text primary key,
    email         text        not null,
    full_name     text        not null,
    password_hash text,                       -- null while an identity provider holds the password
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    version       bigint      not null default 0
);
create unique index users_email_unique on users (lower(email));

create table user_sessions (
    id           text primary key,
    user_id      text        not null references users (id),
    created_at   timestamptz not null,
    last_used_at timestamptz not null,
    expires_at   timestamptz not null,
    revoked_at   timestamptz,
    user_agent   text,
    ip           text
);
create index user_sessions_by_user on user_sessions (user_id, last_used_at desc);

-- Only the SHA-256 of a CLI token is stored; the token itself is shown once.
create table cli_tokens (
    id           text primary key,
    user_id      text        not null references users (id),
    name         text        not null,
    tier         text        not null,
    token_hash   text        not null unique,
    created_at   timestamptz not null,
    last_used_at timestamptz,
    expires_at   timestamptz,
    revoked_at   timestamptz
);
create index cli_tokens_by_user on cli_tokens (user_id, created_at desc);

create table workspaces (
    id                              text primary key,
    name                            text        not null,
    slug                            text        not null,
    logo_url                        text,
    preferred_language              text,
    allow_privileged_credentials    boolean     not null default false,
    run_retention_days              integer,
    credential_audit_retention_days integer,
    audit_log_retention_days        integer,
    created_at                      timestamptz not null,
    updated_at                      timestamptz not null,
    deleted_at                      timestamptz,
    version                         bigint      not null default 0
);
create unique index workspaces_slug_live on workspaces (slug) where deleted_at is null;

create table workspace_members (
    id           text primary key,
    workspace_id text        not null references workspaces (id),
    user_id      text        not null references users (id),
    role         text        not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    event_version bigint     not null,       -- version of the last membership event for this row
    version      bigint      not null default 0
);
create unique index workspace_members_unique on workspace_members (workspace_id, user_id);
create index workspace_members_by_user on workspace_members (user_id);

-- Versions of membership events: taken after the row is locked, so for one membership they grow
-- in commit order and every replica keeps the newest state.
create sequence membership_event_version;
