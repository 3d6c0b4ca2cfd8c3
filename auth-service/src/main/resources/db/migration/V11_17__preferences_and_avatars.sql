-- Per-user UI preferences (preferences page): one row per key, the value the client's raw JSON
-- text, kept as sent (json, not jsonb: the page hands back what was stored).
create table user_preferences (
    user_id    text         not null references users (id) on delete cascade,
    pref_key   varchar(64)  not null,
    pref_value json         not null,
    updated_at timestamptz  not null,
    primary key (user_id, pref_key)
);

-- A user's own avatar (PNG as uploaded, or an SVG re-serialised by the sanitiser). The
-- content hash is also on users so that every answer naming a user can build its URL
-- (?v=hash) without reading the image.
create table user_avatars (
    user_id      text         primary key references users (id) on delete cascade,
    content_type varchar(32)  not null,
    content      bytea        not null,
    sha256       varchar(64)  not null,
    updated_at   timestamptz  not null
);
alter table users add column avatar_sha256 varchar(64);
