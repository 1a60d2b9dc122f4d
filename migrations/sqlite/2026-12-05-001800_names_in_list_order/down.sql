DROP TRIGGER saisine_names_updated;
DROP TRIGGER saisine_names_deleted;
DROP TRIGGER saisine_names_inserted;
DROP TABLE saisine_names;

CREATE VIRTUAL TABLE saisine_names USING fts5(
    name_key,
    content = 'saisines',
    content_rowid = 'id',
    tokenize = 'unicode61',
    prefix = '2 3'
);
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
