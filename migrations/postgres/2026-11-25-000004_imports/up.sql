-- A file uploaded for import, kept between its preview and its confirmation (in the database,
-- so that any instance can confirm it).
CREATE TABLE pending_imports (
    token_hash TEXT PRIMARY KEY NOT NULL,
    file_name TEXT NOT NULL,
    content BYTEA NOT NULL,
    skip_invalid BOOLEAN NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
