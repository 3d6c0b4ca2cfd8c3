-- Issue 14: the skill marketplace, workflow templates, proposed skills, escalations, crew
-- connections and the agents' peer-card index.

-- Skills: the marketplace fields of skills.mdx. Bundled skills ship with the server and are
-- shared by every workspace (workspace_id null); a URL import keeps its URL in source.
alter table skill alter column workspace_id drop not null;
alter table skill alter column source type text;
alter table skill alter column source set default '';
alter table skill
    add column skill_version           varchar(64)  not null default '1.0.0',
    add column author                  varchar(200),
    add column icon                    varchar(64),
    add column verification            varchar(32)  not null default 'UNVERIFIED',
    add column downloads               integer      not null default 0,
    add column rating_avg              double precision,
    add column rating_count            integer      not null default 0,
    add column tags                    text,
    add column featured                boolean      not null default false,
    add column pricing_tier            varchar(32)  not null default 'FREE',
    add column tool_count              integer,
    add column vendor                  varchar(200),
    add column homepage                varchar(2048),
    add column spdx_license            varchar(100),
    add column runtime                 varchar(16)  not null default 'INSTRUCTIONS',
    add column maturity                varchar(16)  not null default 'COMMUNITY',
    add column scan_status             varchar(16)  not null default 'CLEAN',
    add column scan_reason             text,
    add column description_quality     varchar(200),
    add column credential_requirements text,
    add column mcp_server_command      text,
    add column mcp_server_image        varchar(512),
    add column mcp_transport           varchar(32),
    add column dependencies            text,
    add column allowed_domains         text,
    add column changelog               text,
    add column security_score          integer,
    add column content_sha256          varchar(64);
update skill set source = '' where source = 'IMPORTED';
create unique index skill_bundled_slug on skill (slug) where workspace_id is null and deleted_at is null;
create index skill_workspace_name on skill (workspace_id, name) where deleted_at is null;

-- What the memory consolidator staged for review (skills.mdx "Proposed Skills"): the
-- reference keeps them as files under the crew's memory; here they are rows, so every
-- replica sees the same staging area.
create table proposed_skill (
    id           varchar(32)  primary key,
    workspace_id varchar(64)  not null,
    crew_id      varchar(32)  not null references crew (id),
    file_name    varchar(200) not null,
    content      text         not null,
    created_at   timestamptz  not null,
    unique (crew_id, file_name)
);

-- Workflow templates (workflow-templates.mdx, and /api/v1/templates of skills.mdx): stage
-- arrays per workspace; the built-in ones (workspace_id null) are seeded from resources.
create table workflow_template (
    id            varchar(32)  primary key,
    workspace_id  varchar(64),
    name          varchar(200) not null,
    description   text,
    template_json text         not null,
    icon          varchar(64),
    color         varchar(16),
    is_builtin    boolean      not null default false,
    builtin_key   varchar(100),
    builtin_version integer,
    created_at    timestamptz  not null,
    updated_at    timestamptz  not null
);
create unique index workflow_template_name on workflow_template (workspace_id, name) where workspace_id is not null;
create unique index workflow_template_builtin on workflow_template (builtin_key) where workspace_id is null;

-- Escalations (crews.mdx "Crew Escalations"): a question an agent asked a human. Terminal
-- states are reached by one compare-and-swap on status, so a row settles exactly once.
create table escalation (
    id                   varchar(32)  primary key,
    workspace_id         varchar(64)  not null,
    crew_id              varchar(32)  not null references crew (id),
    agent_id             varchar(32),
    from_slug            varchar(80)  not null,
    from_name            varchar(100) not null,
    type                 varchar(32)  not null default 'question',
    reason               text         not null,
    context              text,
    metadata             text,
    peer_conversation_id varchar(64),
    credential_id        varchar(64),
    status               varchar(16)  not null default 'PENDING',
    action               varchar(16),
    resolution           text,
    redirect_to          varchar(80),
    resolved_by          varchar(64),
    resolved_at          timestamptz,
    cancel_reason        text,
    deadline_at          timestamptz,
    agent_gave_up_at     timestamptz,
    created_at           timestamptz  not null
);
create index escalation_crew on escalation (crew_id, created_at desc, id desc);
-- the sweeps and the read paths look for past-deadline questions only
create index escalation_due on escalation (workspace_id, deadline_at) where status = 'PENDING';

-- Crew connections (crews.mdx "Connections"): one edge per unordered pair of crews.
create table crew_connection (
    id           varchar(32) primary key,
    workspace_id varchar(64) not null,
    from_crew_id varchar(32) not null references crew (id),
    to_crew_id   varchar(32) not null references crew (id),
    direction    varchar(16) not null,
    status       varchar(16) not null default 'active',
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    check (from_crew_id <> to_crew_id)
);
create unique index crew_connection_pair on crew_connection (least(from_crew_id, to_crew_id), greatest(from_crew_id, to_crew_id));
create index crew_connection_workspace on crew_connection (workspace_id, created_at);

-- The agents' peer-card index (agents.mdx "List Agent Peers"), projected from
-- auth-service's privacy events: which agent holds a card about which user, never the
-- card's content. A purge event removes a user's rows.
create table agent_peer (
    card_id      varchar(32) primary key,
    workspace_id varchar(64) not null,
    agent_id     varchar(32) not null,
    user_id      varchar(64) not null,
    user_slug    varchar(100) not null,
    bytes        integer     not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null
);
create index agent_peer_agent on agent_peer (agent_id, updated_at desc);
create index agent_peer_user on agent_peer (workspace_id, user_id);
