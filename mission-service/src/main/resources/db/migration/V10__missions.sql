-- Missions, their tasks (a DAG by depends_on) and checkpoints; crews projected from
-- crewship.crew.v1 so a path may name a crew by slug.

create table mission_crew (
    crew_id      varchar(40) primary key,
    workspace_id varchar(40) not null,
    slug         varchar(100),
    deleted      boolean not null default false,
    event_time   timestamptz not null
);
create index mission_crew_slug on mission_crew (workspace_id, slug);

create table mission (
    id                   varchar(40) primary key,
    workspace_id         varchar(40) not null,
    crew_id              varchar(40) not null,
    lead_agent_id        varchar(40) not null,
    lead_agent_name      varchar(200),
    lead_agent_slug      varchar(100),
    title                varchar(500) not null,
    description          text,
    plan                 text,
    status               varchar(20) not null,
    workflow_template    varchar(200),
    review_run_id        varchar(40),
    last_event_id        varchar(40),
    created_by           varchar(40),
    created_at           timestamptz not null,
    updated_at           timestamptz not null,
    started_at           timestamptz,
    completed_at         timestamptz
);
create index mission_workspace on mission (workspace_id, created_at desc);
create index mission_crew_list on mission (workspace_id, crew_id, created_at desc);

create table mission_task (
    id                varchar(40) primary key,
    mission_id        varchar(40) not null references mission (id) on delete cascade,
    workspace_id      varchar(40) not null,
    assigned_agent_id varchar(40),
    agent_name        varchar(200),
    agent_slug        varchar(100),
    title             varchar(500) not null,
    description       text,
    status            varchar(20) not null,
    task_order        integer not null default 0,
    depends_on        text not null default '[]',
    iteration         integer not null default 1,
    max_iterations    integer,
    result_summary    text,
    output            text,
    output_path       text,
    error_message     text,
    run_id            varchar(40),
    token_count       bigint,
    estimated_cost    double precision,
    started_at        timestamptz,
    completed_at      timestamptz,
    duration_ms       bigint,
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);
create index mission_task_mission on mission_task (mission_id, task_order, created_at);
create index mission_task_run on mission_task (run_id);
create index mission_task_done on mission_task (workspace_id, completed_at);

create table mission_checkpoint (
    id             varchar(40) primary key,
    workspace_id   varchar(40) not null,
    crew_id        varchar(40) not null,
    mission_id     varchar(40) not null references mission (id) on delete cascade,
    label          varchar(500),
    journal_cursor varchar(40) not null,
    state          text not null,
    created_by     varchar(40),
    created_at     timestamptz not null
);
create index mission_checkpoint_list on mission_checkpoint (mission_id, created_at desc);
