-- Crews, agents and the workspace skills they use. Slugs are unique among live rows only
-- (partial indexes), so a soft-deleted crew's or agent's slug can be taken again.

create table crew (
    id                     varchar(32)  primary key,
    workspace_id           varchar(64)  not null,
    name                   varchar(100) not null,
    slug                   varchar(50)  not null,
    description            text,
    color                  varchar(32),
    icon                   varchar(64),
    avatar_style           varchar(64),
    container_memory_mb    integer      not null,
    container_cpus         double precision not null,
    container_ttl_hours    integer,
    network_mode           varchar(16)  not null,
    allowed_domains        text         not null default '',
    allow_private_endpoints boolean     not null default false,
    mcp_config_json        text,
    escalation_config      text,
    runtime_image          varchar(512),
    devcontainer_config    text,
    mise_config            text,
    services_json          text,
    max_ephemeral_agents   integer      not null default 5,
    issue_prefix           varchar(16),
    autonomy_level         varchar(16)  not null default 'guided',
    behavior_mode          varchar(16)  not null default 'warn',
    policy_set_by          varchar(64),
    policy_set_at          timestamptz,
    policy_reason          text,
    persona                text,
    created_at             timestamptz  not null,
    updated_at             timestamptz  not null,
    deleted_at             timestamptz,
    version                bigint       not null default 0
);
create unique index crew_live_slug on crew (workspace_id, slug) where deleted_at is null;
create index crew_workspace_created on crew (workspace_id, created_at desc, id desc) where deleted_at is null;

create table crew_member (
    id           varchar(32) primary key,
    crew_id      varchar(32) not null references crew (id),
    workspace_id varchar(64) not null,
    user_id      varchar(64) not null,
    role         varchar(16),
    created_at   timestamptz not null,
    unique (crew_id, user_id)
);

create table agent (
    id                        varchar(32)  primary key,
    workspace_id              varchar(64)  not null,
    crew_id                   varchar(32)  references crew (id),
    name                      varchar(100) not null,
    slug                      varchar(80)  not null,
    description               text,
    role_title                varchar(200),
    agent_role                varchar(16)  not null,
    lead_mode                 varchar(16),
    status                    varchar(32)  not null,
    cli_adapter               varchar(32)  not null,
    llm_provider              varchar(64),
    llm_model                 varchar(200),
    system_prompt             text,
    avatar_seed               varchar(200),
    avatar_style              varchar(64),
    timeout_seconds           integer      not null,
    tool_profile              varchar(16)  not null,
    memory_enabled            boolean      not null default false,
    cli_tools                 text,
    schedule_cron             varchar(200),
    schedule_prompt           text,
    schedule_enabled          boolean      not null default false,
    mcp_config_json           text,
    suggested_prompts         text,
    webhook_require_timestamp boolean      not null default false,
    created_by_user_id        varchar(64),
    ephemeral                 boolean      not null default false,
    expires_at                timestamptz,
    expired_at                timestamptz,
    parent_lead_id            varchar(32),
    hire_reason               text,
    persona                   text,
    created_at                timestamptz  not null,
    updated_at                timestamptz  not null,
    deleted_at                timestamptz,
    version                   bigint       not null default 0
);
create unique index agent_live_slug on agent (workspace_id, slug) where deleted_at is null;
-- one LEAD per crew among live agents
create unique index agent_one_lead on agent (crew_id) where agent_role = 'LEAD' and deleted_at is null;
create index agent_workspace_created on agent (workspace_id, created_at desc, id desc) where deleted_at is null;
-- the expiry sweep reads only live ephemerals with a deadline
create index agent_expiring on agent (expires_at) where ephemeral and expired_at is null and deleted_at is null;

-- each write of a persona layer, so its history can be replayed (content kept for drill-down)
create table persona_version (
    id          varchar(32) primary key,
    owner_type  varchar(8)  not null,
    owner_id    varchar(32) not null,
    sha256      varchar(64) not null,
    bytes       integer     not null,
    content     text        not null,
    written_at  timestamptz not null,
    written_by  varchar(64),
    parent_sha  varchar(64)
);
create index persona_version_owner on persona_version (owner_type, owner_id, written_at desc);

create table skill (
    id           varchar(32)  primary key,
    workspace_id varchar(64)  not null,
    name         varchar(100) not null,
    slug         varchar(100) not null,
    display_name varchar(200) not null,
    description  text,
    content      text,
    category     varchar(32)  not null default 'CUSTOM',
    source       varchar(32)  not null default 'IMPORTED',
    created_at   timestamptz  not null,
    updated_at   timestamptz  not null,
    deleted_at   timestamptz,
    version      bigint       not null default 0
);
create unique index skill_live_slug on skill (workspace_id, slug) where deleted_at is null;

create table agent_skill (
    id         varchar(32) primary key,
    agent_id   varchar(32) not null references agent (id),
    skill_id   varchar(32) not null references skill (id),
    config     text,
    created_at timestamptz not null,
    unique (agent_id, skill_id)
);
