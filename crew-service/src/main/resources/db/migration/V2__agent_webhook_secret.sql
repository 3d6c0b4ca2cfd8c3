-- When credential-vault-service last minted the agent's webhook signing secret (through
-- POST /api/v1/agents/{id}/webhook-secret/rotate); null: none. The secret itself lives only
-- in the vault; this column answers the agent's webhook_secret_set without asking it.
alter table agent add column webhook_secret_rotated_at timestamptz;
