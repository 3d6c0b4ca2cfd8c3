-- credentials:reveal now travels on the replicated membership (platform's
-- platform_workspace_membership.capabilities, granted through auth-service's capabilities
-- API); the vault-local table nobody could write goes.
drop table reveal_grants;
