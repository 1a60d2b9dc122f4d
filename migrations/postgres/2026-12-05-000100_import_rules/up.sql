-- A saisine brought in from another system keeps that system's reference: shown on its page,
-- searchable, exported, and the key that makes a second import of the same file change nothing.
-- In a table of its own: the saisines table already has the 32 columns Diesel's default build
-- handles.
CREATE TABLE external_references (
    saisine_id INTEGER PRIMARY KEY NOT NULL REFERENCES saisines (id),
    external_reference TEXT NOT NULL
);
CREATE INDEX external_references_by_reference ON external_references (external_reference);

-- The digest of each imported file's content, so that uploading it again says so.
CREATE TABLE imported_files (
    digest TEXT PRIMARY KEY NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
