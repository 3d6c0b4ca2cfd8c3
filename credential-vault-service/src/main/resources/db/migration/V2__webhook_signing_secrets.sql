-- Who holds a webhook signing secret and how it must be used; the secret itself is sealed
-- in sealed_secrets under the same (owner_type, owner_id).
create table webhook_signing_secrets (
    owner_type        text        not null,
    owner_id          text        not null,
    workspace_id      text        not null,
    require_timestamp boolean     not null default false,
    rotated_at        timestamptz not null,
    primary key (owner_type, owner_id)
);
