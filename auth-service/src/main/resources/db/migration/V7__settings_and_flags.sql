-- Instance-global settings and feature flags with per-workspace overrides.
create table app_settings (
    key        text primary key,
    value      text        not null,
    updated_at timestamptz not null,
    updated_by text
);

create table feature_flags (
    id          text primary key,
    key         text        not null unique,
    description text,
    enabled     boolean     not null default false,
    percentage  integer     not null default 0 check (percentage between 0 and 100),
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    version     bigint      not null default 0
);

create table feature_flag_overrides (
    flag_id      text        not null references feature_flags (id) on delete cascade,
    workspace_id text        not null references workspaces (id),
    enabled      boolean     not null,
    updated_at   timestamptz not null,
    primary key (flag_id, workspace_id)
);
