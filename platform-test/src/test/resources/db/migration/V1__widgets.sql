create table widget (
    id         text primary key,
    workspace_id text not null,
    slug       text not null,
    deleted_at timestamptz,
    version    bigint not null default 0
);
create unique index widget_slug_live on widget (workspace_id, slug) where deleted_at is null;
