-- Every service's audit records, stored by auth-service from crewship.audit.v1. The id is the
-- event id, so a redelivered record is stored once.
create table audit_logs (
    id           text primary key,
    workspace_id text,
    user_id      text,
    action       text        not null,
    entity_type  text,
    entity_id    text,
    metadata     text,
    ip_address   text,
    user_agent   text,
    created_at   timestamptz not null
);
create index audit_logs_by_workspace on audit_logs (workspace_id, created_at desc);
