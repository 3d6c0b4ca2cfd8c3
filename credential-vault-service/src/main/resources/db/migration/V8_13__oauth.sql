-- OAuth authorizations in flight for crew-service's OAuth flow: the PKCE verifier of each is
-- sealed in sealed_secrets (owner oauth.pkce:<state_id>); this row bounds its life and binds
-- it to one credential. Single use: the exchange deletes both.
create table oauth_authorizations (
    state_id      text        primary key,
    credential_id text        not null,
    workspace_id  text        not null,
    redirect_uri  text        not null,
    expires_at    timestamptz not null,
    created_at    timestamptz not null
);
create index oauth_authorizations_expiry on oauth_authorizations (expires_at);

-- The refresh sweep's backoff after a provider failed to answer (not after a refusal, which
-- expires the credential).
alter table credentials add column oauth_refresh_failures integer not null default 0;
alter table credentials add column oauth_next_refresh_at timestamptz;
