-- Name search served by an index: an FTS5 index of the normalised name (`name_key`), kept
-- in step with `saisines` by triggers; a search matches the beginning of any word of the
-- name (`"lef"*`). The words are the name key's, split on anything but letters and digits.
CREATE VIRTUAL TABLE saisine_names USING fts5(
    name_key,
    content = 'saisines',
    content_rowid = 'id',
    tokenize = 'unicode61',
    prefix = '2 3'
);
-- A name removed (anonymisation) leaves no trace in the index's pages either: FTS5 otherwise
-- keeps deleted terms until its segments are merged.
INSERT INTO saisine_names (saisine_names, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER saisine_names_inserted AFTER INSERT ON saisines BEGIN
    INSERT INTO saisine_names (rowid, name_key) VALUES (new.id, new.name_key);
END;

CREATE TRIGGER saisine_names_deleted AFTER DELETE ON saisines BEGIN
    INSERT INTO saisine_names (saisine_names, rowid, name_key) VALUES ('delete', old.id, old.name_key);
END;

CREATE TRIGGER saisine_names_updated AFTER UPDATE OF name_key ON saisines BEGIN
    INSERT INTO saisine_names (saisine_names, rowid, name_key) VALUES ('delete', old.id, old.name_key);
    INSERT INTO saisine_names (rowid, name_key) VALUES (new.id, new.name_key);
END;

INSERT INTO saisine_names (saisine_names) VALUES ('rebuild');
