-- Token buckets of the per-target rate limits when no Redis is configured: one row per
-- bucket, locked for the moment of a take, so every replica draws on one budget.
-- expires_at (epoch millis) is when the bucket would be full again; older rows are purged.
create table rate_limit_bucket (
    id         varchar(255) primary key,
    state      bytea,
    expires_at bigint
);

create index rate_limit_bucket_expiry on rate_limit_bucket (expires_at);
