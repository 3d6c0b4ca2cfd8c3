-- llm: which model-provider credentials each workspace holds (ids, provider, status — never
-- values), projected from credential-vault-service's events, for one-shot completions
create table llm_workspace_credential (
    credential_id text primary key,
    workspace_id  text not null,
    provider      text not null,
    type          text,
    status        text,
    deleted       boolean not null default false,
    created_time  timestamptz not null,
    event_time    timestamptz not null
);

create index llm_workspace_credential_by_workspace
    on llm_workspace_credential (workspace_id, provider, created_time desc);
