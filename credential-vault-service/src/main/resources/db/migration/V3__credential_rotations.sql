-- Rotation history. The previous value stays sealed (owner rotation.old_value:<id>) only
-- while the grace window is ACTIVE; EXPIRED and CANCELLED rows have had it scrubbed.
create table credential_rotations (
    id            text primary key,
    credential_id text        not null references credentials (id),
    workspace_id  text        not null,
    grace_seconds integer     not null,
    rotated_at    timestamptz not null,
    expires_at    timestamptz not null,
    rotated_by    text        not null,
    status        text        not null,
    cancelled_at  timestamptz
);
create index credential_rotations_history on credential_rotations (credential_id, rotated_at desc, id desc);
create index credential_rotations_active on credential_rotations (expires_at) where status = 'ACTIVE';
