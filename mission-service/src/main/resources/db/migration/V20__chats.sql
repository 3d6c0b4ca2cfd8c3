-- Chats: a user's conversation with one agent. Each message a user sends becomes a CHAT run
-- (runs are the engine's); the agent's reply is stored here when the run ends.

create table chat (
    id               varchar(64)  primary key,
    workspace_id     varchar(64)  not null,
    agent_id         varchar(64)  not null,
    crew_id          varchar(64),
    created_by       varchar(64),
    title            varchar(200),
    origin           varchar(16),
    status           varchar(16)  not null default 'ACTIVE',
    message_count    integer      not null default 0,
    -- the run writing the agent's reply; at most one per chat
    active_run_id    varchar(64),
    started_at       timestamptz  not null,
    ended_at         timestamptz,
    last_activity_at timestamptz  not null,
    created_at       timestamptz  not null
);
create index chat_agent_activity on chat (workspace_id, agent_id, last_activity_at desc, id desc);
create unique index chat_active_run on chat (active_run_id) where active_run_id is not null;

create table chat_message (
    id             varchar(64)  primary key,
    chat_id        varchar(64)  not null references chat (id) on delete cascade,
    workspace_id   varchar(64)  not null,
    role           varchar(16)  not null,
    content        text         not null,
    author_user_id varchar(64),
    run_id         varchar(64),
    tool_summary   text,
    created_at     timestamptz  not null
);
create index chat_message_chat_time on chat_message (chat_id, created_at desc, id desc);
-- one reply per run, even if a run's end were delivered twice
create unique index chat_message_run_role on chat_message (run_id, role) where run_id is not null;

-- per-user read cursor: what "unread" counts from
create table chat_read_cursor (
    chat_id      varchar(64)  not null references chat (id) on delete cascade,
    user_id      varchar(64)  not null,
    last_read_at timestamptz  not null,
    primary key (chat_id, user_id)
);

-- the humans added to a chat (a chat with any is a group chat)
create table chat_participant (
    chat_id   varchar(64)  not null references chat (id) on delete cascade,
    user_id   varchar(64)  not null,
    role      varchar(16)  not null,
    joined_at timestamptz  not null,
    primary key (chat_id, user_id)
);

create table chat_reaction (
    message_id varchar(64)  not null references chat_message (id) on delete cascade,
    chat_id    varchar(64)  not null,
    user_id    varchar(64)  not null,
    emoji      varchar(64)  not null,
    created_at timestamptz  not null,
    primary key (message_id, user_id, emoji)
);

-- steering messages held while a reply is being written, applied as the next turn
create table chat_steer (
    id         varchar(64)  primary key,
    chat_id    varchar(64)  not null references chat (id) on delete cascade,
    user_id    varchar(64)  not null,
    content    text         not null,
    created_at timestamptz  not null
);
create index chat_steer_chat on chat_steer (chat_id, created_at);

-- files attached to a chat, bytes in the database (bounded in size and number per chat)
create table chat_attachment (
    id                  varchar(64)   primary key,
    workspace_id        varchar(64)   not null,
    chat_id             varchar(64)   not null references chat (id) on delete cascade,
    filename            varchar(255)  not null,
    content_type        varchar(128)  not null,
    size_bytes          bigint        not null,
    sha256              varchar(64)   not null,
    uploaded_by_user_id varchar(64),
    content             bytea         not null,
    created_at          timestamptz   not null
);
create index chat_attachment_chat on chat_attachment (chat_id, created_at desc);
create unique index chat_attachment_retry on chat_attachment (chat_id, sha256, filename);
