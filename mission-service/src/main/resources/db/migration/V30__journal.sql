-- The journal: every workspace's append-only, hash-chained record of what happened.
-- seq numbers a workspace's entries without gaps; hash = SHA-256(prev_hash | canonical
-- content); priority is the one mutable column and is not part of the hash.
create table journal_entry (
    id           text primary key,
    workspace_id text        not null,
    seq          bigint      not null,
    event_id     text        not null unique,
    ts           timestamptz not null,
    entry_type   text        not null,
    severity     text        not null,
    priority     text        not null default 'normal',
    actor_type   text        not null,
    actor_id     text,
    crew_id      text,
    agent_id     text,
    mission_id   text,
    trace_id     text,
    summary      text        not null,
    payload      text,
    refs         text,
    cost_usd     numeric(18, 6),
    prev_hash    text        not null,
    hash         text        not null,
    unique (workspace_id, seq)
);

create index journal_entry_ts on journal_entry (workspace_id, ts desc, id desc);
create index journal_entry_crew on journal_entry (workspace_id, crew_id, ts desc);
create index journal_entry_agent on journal_entry (workspace_id, agent_id, ts desc);
create index journal_entry_type on journal_entry (workspace_id, entry_type, ts desc);
create index journal_entry_trace on journal_entry (workspace_id, trace_id);
create index journal_entry_cost on journal_entry (workspace_id, ts) where cost_usd is not null;

-- The chain's head per workspace: its row lock serialises appends of one workspace
-- across replicas, and it remembers the last seq/hash so a deleted tail shows.
create table journal_head (
    workspace_id text primary key,
    seq          bigint not null,
    hash         text   not null
);

-- Append-only at the row level: only priority may change, nothing may be deleted.
create function journal_entry_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'journal entries are append-only';
    end if;
    if (new.id, new.workspace_id, new.seq, new.event_id, new.ts, new.entry_type, new.severity, new.actor_type,
        new.actor_id, new.crew_id, new.agent_id, new.mission_id, new.trace_id, new.summary, new.payload, new.refs,
        new.cost_usd, new.prev_hash, new.hash) is distinct from
       (old.id, old.workspace_id, old.seq, old.event_id, old.ts, old.entry_type, old.severity, old.actor_type,
        old.actor_id, old.crew_id, old.agent_id, old.mission_id, old.trace_id, old.summary, old.payload, old.refs,
        old.cost_usd, old.prev_hash, old.hash) then
        raise exception 'journal entries are append-only: only priority may change';
    end if;
    return new;
end $$;

create trigger journal_entry_append_only before update or delete on journal_entry
    for each row execute function journal_entry_append_only();

-- Display names for journal cards (GET /api/v1/journal/lookup), kept from the journaled
-- crew, agent and mission events.
create table journal_lookup (
    workspace_id text        not null,
    kind         text        not null,
    id           text        not null,
    slug         text,
    name         text,
    crew_id      text,
    icon         text,
    color        text,
    avatar_seed  text,
    avatar_style text,
    status       text,
    deleted      boolean     not null default false,
    event_time   timestamptz not null,
    created_at   timestamptz not null,
    primary key (workspace_id, kind, id)
);
