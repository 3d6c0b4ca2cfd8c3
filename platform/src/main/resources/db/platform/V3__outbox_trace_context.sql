-- The W3C traceparent of the request (or run) that wrote the event: the relay sends it as a
-- Kafka header, so a consumer's work joins the trace of the request that caused it although
-- the event left on another thread, later.
alter table platform_outbox add column trace_parent text;
