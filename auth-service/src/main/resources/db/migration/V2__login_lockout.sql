-- Brute-force backoff per account: consecutive wrong passwords lock the account for a growing time.
alter table users add column failed_login_count integer not null default 0;
alter table users add column locked_until timestamptz;
