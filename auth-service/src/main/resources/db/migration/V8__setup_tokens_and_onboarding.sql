-- Single-use tokens that let a user set a password (account setup after provisioning, and
-- password reset). Only the SHA-256 is stored.
create table verification_tokens (
    id         text primary key,
    user_id    text        not null references users (id),
    purpose    text        not null,
    token_hash text        not null unique,
    created_at timestamptz not null,
    expires_at timestamptz not null
);
create index verification_tokens_by_user on verification_tokens (user_id);

alter table workspaces add column onboarding_completed_at timestamptz;
