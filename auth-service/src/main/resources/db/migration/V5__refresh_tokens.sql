-- Refresh-token rotation: the session row remembers the one refresh token (by its JTI) that may
-- still be exchanged; presenting an older one is token theft and revokes the session.
alter table user_sessions add column refresh_jti text;
