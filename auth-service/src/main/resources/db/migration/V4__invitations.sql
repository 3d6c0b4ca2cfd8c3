-- Token-gated invitations, redeemed when the invited address signs up. The token is shown once;
-- only its SHA-256 is kept.
create table invitations (
    id           text primary key,
    workspace_id text        not null references workspaces (id),
    email        text        not null,
    role         text        not null,
    invited_by   text        not null references users (id),
    token_hash   text        not null unique,
    expires_at   timestamptz not null,
    accepted_at  timestamptz,
    created_at   timestamptz not null
);
create index invitations_by_email on invitations (lower(email)) where accepted_at is null;
create index invitations_by_workspace on invitations (workspace_id, created_at desc);
