-- The trace of whatever asked for the run (a webhook's request, an issue's start), as a W3C
-- traceparent: the engine claims and runs it later on another thread, and continues that trace
-- so the run's events and log lines stay in it.
alter table run add column trace_parent varchar(64);
