-- An agent's stored avatar render (agents page, "Agent avatars"): an SVG as the sanitiser
-- re-serialised it, written once until cleared. Its hash also sits on the agent row, so agent
-- answers build avatar_url (?v=hash) without reading the image; only this feature writes it.
create table agent_avatar (
    agent_id     varchar(32)  primary key references agent (id) on delete cascade,
    workspace_id varchar(64)  not null,
    svg          text         not null,
    sha256       varchar(64)  not null,
    created_at   timestamptz  not null
);
alter table agent add column avatar_sha256 varchar(64);
