-- One row per accepted webhook delivery: what the run executor will advance, and what the
-- monitoring endpoints answer from. The payload itself travels only on Kafka.
--
-- dedup_key is the delivery's identity (SHA-256 of target, timestamp and signature, or of
-- the Idempotency-Key for unsigned deliveries). It is unique while set; it is cleared once
-- the dedup window has passed, so the index stays bounded and an identity can recur.

create table webhook_delivery (
    id             varchar(32)  primary key,
    target_kind    varchar(16)  not null,
    target_id      varchar(64)  not null,
    crew_id        varchar(64),
    dedup_key      char(64),
    status         varchar(16)  not null,
    payload_sha256 char(64)     not null,
    payload_bytes  integer      not null,
    received_at    timestamptz  not null,
    queued_at      timestamptz,
    updated_at     timestamptz  not null
);

create unique index webhook_delivery_dedup_key on webhook_delivery (dedup_key) where dedup_key is not null;
create index webhook_delivery_target on webhook_delivery (target_kind, target_id, received_at desc);
create index webhook_delivery_dedup_age on webhook_delivery (received_at) where dedup_key is not null;
