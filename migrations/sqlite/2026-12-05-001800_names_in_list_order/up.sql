-- The name index in the list's order: each entry's rowid is the saisine's place in the list,
-- (Julian day of `received_on`) × 2³² + id, so that a name search reads its matches newest
-- first (or oldest first) straight from the index and stops at the page's end, instead of
-- reading every match's row to sort them (a common name is thousands of rows at a million).
-- The saisine's id is the rowid's low 32 bits. Contentless (`content=''`): the index keeps no
-- copy of the names. The triggers remove an entry with FTS5's 'delete' command and the old
-- name, so that `secure-delete` erases its terms from the index's pages (anonymisation);
-- `contentless_delete`, which deletes by rowid alone, leaves them behind a tombstone.
DROP TRIGGER saisine_names_updated;
DROP TRIGGER saisine_names_deleted;
DROP TRIGGER saisine_names_inserted;
DROP TABLE saisine_names;

CREATE VIRTUAL TABLE saisine_names USING fts5(
    name_key,
    content = '',
    tokenize = 'unicode61',
    prefix = '2 3'
);
INSERT INTO saisine_names (saisine_names, rank) VALUES ('secure-delete', 1);

-- The same expression as `db::name_walk::list_key`.
CREATE TRIGGER saisine_names_inserted AFTER INSERT ON saisines WHEN new.name_key <> '' BEGIN
    INSERT INTO saisine_names (rowid, name_key)
    VALUES (CAST(julianday(new.received_on) + 0.5 AS INTEGER) * 4294967296 + new.id, new.name_key);
END;

CREATE TRIGGER saisine_names_deleted AFTER DELETE ON saisines WHEN old.name_key <> '' BEGIN
    INSERT INTO saisine_names (saisine_names, rowid, name_key)
    VALUES ('delete', CAST(julianday(old.received_on) + 0.5 AS INTEGER) * 4294967296 + old.id, old.name_key);
END;

CREATE TRIGGER saisine_names_updated AFTER UPDATE OF name_key, received_on ON saisines BEGIN
    INSERT INTO saisine_names (saisine_names, rowid, name_key)
    SELECT 'delete', CAST(julianday(old.received_on) + 0.5 AS INTEGER) * 4294967296 + old.id, old.name_key
    WHERE old.name_key <> '';
    INSERT INTO saisine_names (rowid, name_key)
    SELECT CAST(julianday(new.received_on) + 0.5 AS INTEGER) * 4294967296 + new.id, new.name_key
    WHERE new.name_key <> '';
END;

INSERT INTO saisine_names (rowid, name_key)
SELECT CAST(julianday(received_on) + 0.5 AS INTEGER) * 4294967296 + id, name_key
FROM saisines WHERE name_key <> '';
