-- crew-service pushes an agent's webhook_require_timestamp whenever it changes, also before
-- the agent's first secret is minted: such a row holds the policy and no secret yet.
alter table webhook_signing_secrets alter column rotated_at drop not null;
