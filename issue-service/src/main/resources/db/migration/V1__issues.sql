-- issue-service: issues and what hangs on them, workspace labels, projects, milestones,
-- saved views, and local copies of other services' data (crews, agents, member names,
-- forge credentials, runs) fed by their events.

-- The workspace list filters by status and label and searches titles (ILIKE '%term%'): one GIN
-- index over the workspace and status (btree_gin), the issue's label ids and the title's trigrams
-- (pg_trgm) intersects them all before a row is read, and one workspace's search never reads
-- another's rows. Both extensions are trusted: the database's owner may create them.
create extension if not exists pg_trgm;
create extension if not exists btree_gin;

-- ---- local copies (projections) ---------------------------------------------------------

-- crews from crewship.crew.v1; event_time keeps a late redelivery from undoing a newer state
create table crew_directory (
    crew_id      varchar(64)  primary key,
    workspace_id varchar(64)  not null,
    name         varchar(200),
    slug         varchar(100),
    issue_prefix varchar(16),
    deleted      boolean      not null default false,
    event_time   timestamptz  not null
);
create index crew_directory_slug on crew_directory (workspace_id, slug) where not deleted;

create table agent_directory (
    agent_id     varchar(64)  primary key,
    workspace_id varchar(64)  not null,
    crew_id      varchar(64),
    name         varchar(200),
    slug         varchar(100),
    agent_role   varchar(16),
    deleted      boolean      not null default false,
    event_time   timestamptz  not null
);
create index agent_directory_crew on agent_directory (crew_id) where not deleted;
create index agent_directory_slug on agent_directory (workspace_id, slug) where not deleted;

-- member display names from crewship.memberships.v1 (who may be assigned is the platform replica's)
create table member_directory (
    workspace_id varchar(64)  not null,
    user_id      varchar(64)  not null,
    name         varchar(200),
    event_time   timestamptz  not null,
    primary key (workspace_id, user_id)
);

-- the vault's GITHUB/GITLAB credentials (ids and status only, never values), from crewship.vault.v1
create table forge_credential (
    credential_id varchar(64)  primary key,
    workspace_id  varchar(64)  not null,
    provider      varchar(32),
    status        varchar(32),
    deleted       boolean      not null default false,
    created_time  timestamptz  not null,
    event_time    timestamptz  not null
);
create index forge_credential_workspace on forge_credential (workspace_id, provider) where not deleted;

-- ---- workspace-scoped tracking objects ---------------------------------------------------

create table label (
    id           varchar(32)  primary key,
    workspace_id varchar(64)  not null,
    name         varchar(100) not null,
    color        varchar(32)  not null,
    label_group  varchar(100),
    created_at   timestamptz  not null,
    updated_at   timestamptz  not null
);
create unique index label_name on label (workspace_id, lower(name));

create table project (
    id           varchar(32)  primary key,
    workspace_id varchar(64)  not null,
    name         varchar(200) not null,
    slug         varchar(200) not null,
    description  text,
    icon         varchar(64),
    color        varchar(32)  not null,
    status       varchar(32)  not null,
    priority     varchar(16)  not null,
    health       varchar(32)  not null,
    lead_type    varchar(8),
    lead_id      varchar(64),
    start_date   varchar(40),
    target_date  varchar(40),
    created_at   timestamptz  not null,
    updated_at   timestamptz  not null,
    constraint project_slug unique (workspace_id, slug)
);

create table milestone (
    id           varchar(32)  primary key,
    workspace_id varchar(64)  not null,
    project_id   varchar(32)  not null references project (id) on delete cascade,
    name         varchar(200) not null,
    description  text,
    target_date  varchar(40),
    status       varchar(32)  not null,
    position     integer      not null,
    created_at   timestamptz  not null,
    updated_at   timestamptz  not null
);
create index milestone_project on milestone (project_id, position, created_at);

create table saved_view (
    id           varchar(32)  primary key,
    workspace_id varchar(64)  not null,
    user_id      varchar(64)  not null,
    name         varchar(200) not null,
    filters_json text         not null,
    sort_json    text,
    view_type    varchar(32)  not null,
    is_default   boolean      not null default false,
    shared       boolean      not null default false,
    created_at   timestamptz  not null,
    updated_at   timestamptz  not null
);
create index saved_view_owner on saved_view (workspace_id, user_id);
create index saved_view_shared on saved_view (workspace_id) where shared;

-- ---- issues ------------------------------------------------------------------------------

-- one row per crew: the last number handed out. Taken with an upsert ... returning in the
-- creating transaction, so the row lock orders concurrent creates on every replica and a
-- rolled-back create gives its number back (no gaps, no reuse).
create table crew_issue_counter (
    crew_id     varchar(64) primary key,
    last_number integer     not null
);

create table issue (
    id              varchar(32)  primary key,
    workspace_id    varchar(64)  not null,
    crew_id         varchar(64)  not null,
    number          integer      not null,
    identifier      varchar(40)  not null,
    title           varchar(500) not null,
    description     text,
    status          varchar(16)  not null,
    priority        varchar(8)   not null,
    assignee_type   varchar(8),
    assignee_id     varchar(64),
    created_by_type varchar(8),
    created_by_id   varchar(64),
    authored_via    varchar(32),
    due_date        date,
    sort_order      double precision not null default 0,
    lead_agent_id   varchar(64)  not null,
    project_id      varchar(32)  references project (id) on delete set null,
    milestone_id    varchar(32)  references milestone (id) on delete set null,
    parent_issue_id varchar(32)  references issue (id) on delete set null,
    estimate        integer,
    -- the issue's labels, in the row: the list filters on them without a join per row
    label_ids       varchar(32)[] not null default '{}',
    comment_count   integer      not null default 0,
    -- the start request waiting for its run (issue.run_requested), cleared when the run ends
    run_request_id  varchar(32),
    created_at      timestamptz  not null,
    updated_at      timestamptz  not null,
    completed_at    timestamptz,
    constraint issue_number unique (crew_id, number)
);
-- the list's default order, and its status filter
create index issue_workspace_created on issue (workspace_id, created_at desc, id desc);
create index issue_workspace_status_created on issue (workspace_id, status, created_at desc, id desc);
create index issue_workspace_crew_created on issue (workspace_id, crew_id, created_at desc);
create index issue_workspace_assignee on issue (workspace_id, assignee_id) where assignee_id is not null;
create index issue_search on issue using gin (workspace_id, status, label_ids, title gin_trgm_ops);
create index issue_identifier on issue (workspace_id, identifier);
create index issue_parent on issue (parent_issue_id) where parent_issue_id is not null;
create index issue_project on issue (project_id) where project_id is not null;
create index issue_milestone on issue (milestone_id) where milestone_id is not null;

create table issue_comment (
    id          varchar(32)  primary key,
    issue_id    varchar(32)  not null references issue (id) on delete cascade,
    author_type varchar(8)   not null,
    author_id   varchar(64)  not null,
    body        text         not null,
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null
);
create index issue_comment_issue on issue_comment (issue_id, created_at);

-- `blocked_by` is stored as `blocks` with the ends swapped
create table issue_relation (
    id            varchar(32)  primary key,
    workspace_id  varchar(64)  not null,
    source_id     varchar(32)  not null references issue (id) on delete cascade,
    target_id     varchar(32)  not null references issue (id) on delete cascade,
    relation_type varchar(16)  not null,
    created_by    varchar(64),
    created_at    timestamptz  not null,
    constraint issue_relation_once unique (source_id, target_id, relation_type),
    constraint issue_relation_not_self check (source_id <> target_id)
);
create index issue_relation_target on issue_relation (target_id);

create table issue_activity (
    id         varchar(32)  primary key,
    issue_id   varchar(32)  not null references issue (id) on delete cascade,
    actor_type varchar(8)   not null,
    actor_id   varchar(64)  not null,
    action     varchar(40)  not null,
    details    text,
    created_at timestamptz  not null
);
create index issue_activity_issue on issue_activity (issue_id, created_at desc);

create table code_link (
    id                varchar(32)  primary key,
    workspace_id      varchar(64)  not null,
    issue_id          varchar(32)  not null references issue (id) on delete cascade,
    provider          varchar(16)  not null,
    host              varchar(255) not null,
    owner             varchar(255) not null,
    repo              varchar(255) not null,
    number            integer      not null,
    kind              varchar(16)  not null,
    url               varchar(2000) not null,
    title             varchar(1000),
    state             varchar(16),
    author            varchar(255),
    source_branch     varchar(500),
    target_branch     varchar(500),
    remote_created_at timestamptz,
    remote_updated_at timestamptz,
    remote_merged_at  timestamptz,
    remote_closed_at  timestamptz,
    credential_id     varchar(64),
    last_synced_at    timestamptz,
    last_sync_error   varchar(1000),
    created_at        timestamptz  not null,
    constraint code_link_once unique (issue_id, provider, host, owner, repo, number)
);

-- attachments are stored by content: one copy of the bytes per workspace and digest
create table attachment_blob (
    workspace_id varchar(64) not null,
    sha256       char(64)    not null,
    size_bytes   integer     not null,
    content      bytea       not null,
    primary key (workspace_id, sha256)
);

create table attachment (
    id                  varchar(32)  primary key,
    workspace_id        varchar(64)  not null,
    issue_id            varchar(32)  not null references issue (id) on delete cascade,
    filename            varchar(255) not null,
    content_type        varchar(100) not null,
    size_bytes          integer      not null,
    sha256              char(64)     not null,
    uploaded_by_user_id varchar(64),
    created_at          timestamptz  not null,
    constraint attachment_once unique (issue_id, sha256, filename),
    foreign key (workspace_id, sha256) references attachment_blob (workspace_id, sha256)
);
create index attachment_blob_refs on attachment (workspace_id, sha256);

-- runs of issues, from mission-service's run events; rank orders statuses so an older
-- event never overwrites a newer one
create table issue_run (
    run_id       varchar(64)  primary key,
    workspace_id varchar(64)  not null,
    issue_id     varchar(32)  not null,
    agent_id     varchar(64),
    status       varchar(16)  not null,
    status_rank  smallint     not null,
    started_at   timestamptz,
    finished_at  timestamptz,
    duration_ms  bigint,
    error        text,
    summary      text,
    created_at   timestamptz  not null,
    event_time   timestamptz  not null
);
create index issue_run_issue on issue_run (issue_id, created_at desc);
