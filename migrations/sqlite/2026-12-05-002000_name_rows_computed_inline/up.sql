-- PostgreSQL only (its name index is filled by a trigger of its own); SQLite's FTS5 index is
-- unchanged. Kept so that both engines list the same migrations.
SELECT 1;
