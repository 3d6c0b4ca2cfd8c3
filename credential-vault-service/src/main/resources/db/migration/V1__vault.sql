-- Every encrypted value of the vault, whoever owns it (see SealedSecrets): the data key
-- wrapped by the master key key_id, and the value encrypted with that data key.
create table sealed_secrets (
    id          text primary key,
    owner_type  text        not null,
    owner_id    text        not null,
    key_id      text        not null,
    wrapped_key bytea       not null,
    ciphertext  bytea       not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    unique (owner_type, owner_id)
);
-- re-encryption walks the rows not yet under the current key
create index sealed_secrets_by_key on sealed_secrets (key_id, id);

create table credentials (
    id                      text primary key,
    workspace_id            text        not null,
    name                    text        not null,
    description             text,
    type                    text        not null,
    provider                text        not null,
    status                  text        not null,
    scope                   text        not null,
    crew_ids                text[]      not null default '{}',
    tags                    text[]      not null default '{}',
    account_label           text,
    account_email           text,
    username                text,
    token_expires_at        timestamptz,
    security_level          integer     not null default 1,
    sensitivity             text        not null default 'STANDARD',
    oauth_client_id         text,
    oauth_auth_url          text,
    oauth_token_url         text,
    oauth_scopes            text,
    last_checked_at         timestamptz,
    last_error              text,
    last_used_at            timestamptz,
    created_by_actor_type   text,
    created_by_actor_id     text,
    provisioned_for_service text,
    created_at              timestamptz not null,
    updated_at              timestamptz not null,
    deleted_at              timestamptz,
    version                 bigint      not null default 0
);
create unique index credentials_name_per_workspace on credentials (workspace_id, name) where deleted_at is null;
create index credentials_listing on credentials (workspace_id, type, created_at desc, id) where deleted_at is null;

-- Named parts of a credential; a secret field's value lives in sealed_secrets, only a
-- non-secret value is kept here.
create table credential_fields (
    credential_id text        not null references credentials (id) on delete cascade,
    key           text        not null,
    is_secret     boolean     not null,
    ordinal       integer     not null default 0,
    value         text,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    primary key (credential_id, key)
);

-- The credential's own timeline (USE, ROTATE, TEST, REVOKE, CREATED, REVEAL, ...); never a value.
create table credential_audit (
    id            text primary key,
    credential_id text        not null,
    workspace_id  text        not null,
    event_type    text        not null,
    actor_id      text,
    agent_id      text,
    ip_address    text,
    metadata      jsonb,
    occurred_at   timestamptz not null
);
create index credential_audit_timeline on credential_audit (credential_id, occurred_at desc, id desc);

-- Reveal is off for every workspace until an OWNER turns it on.
create table reveal_policies (
    workspace_id text primary key,
    enabled      boolean     not null,
    updated_by   text        not null,
    updated_at   timestamptz not null
);

-- Holders of the credentials:reveal capability. auth-service does not replicate member
-- capabilities yet; until it does, this table is the vault's (fail-closed) source.
create table reveal_grants (
    workspace_id text        not null,
    user_id      text        not null,
    granted_by   text        not null,
    granted_at   timestamptz not null,
    primary key (workspace_id, user_id)
);
