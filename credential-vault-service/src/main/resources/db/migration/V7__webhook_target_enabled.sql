-- Whether a pipeline webhook takes deliveries. webhook-service owns the webhook and sets
-- this when it creates (or disables) one; the vault answers a delivery to an unknown,
-- disabled or deleted token alike (404) in one indexed lookup, before any secret is
-- opened, so neither the verdict nor its timing tells them apart.
alter table webhook_signing_secrets add column enabled boolean not null default true;
