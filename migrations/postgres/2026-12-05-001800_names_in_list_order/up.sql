-- The name index in the list's order, as on SQLite: one row per word of each saisine's
-- normalised name (`name_key`), with the saisine's place in the list of reception,
-- (Julian day of `received_on`) × 2³² + id (`db::name_walk::list_key`). A name search reads
-- the places of its matches from the primary key, sorts those numbers and reads only the
-- rows of the page; the trigram index made it read and sort every matching row (a common
-- name: about 3,100 rows at a million, p95 32 ms). Each word typed is now the beginning of a
-- word of the name, as on SQLite.
CREATE TABLE saisine_names (
    word TEXT COLLATE "C" NOT NULL,
    place BIGINT NOT NULL,
    PRIMARY KEY (word, place)
);

-- The words of a name key: split on anything but ASCII letters and digits and the letters
-- beyond Latin-1's signs (a key is lower case, without accents); explicit ranges rather than
-- [:alnum:], which depends on the database's locale.
CREATE FUNCTION saisine_name_words(name_key TEXT) RETURNS SETOF TEXT
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT DISTINCT word
    FROM regexp_split_to_table(name_key, '[^0-9a-z\u00c0-\u1fff\u2070-\U0010ffff]+') AS word
    WHERE word <> ''
$$;

CREATE FUNCTION saisine_list_place(received_on DATE, id INTEGER) RETURNS BIGINT
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT to_char(received_on, 'J')::BIGINT * 4294967296 + id
$$;

-- New saisines: once per statement, from its transition table (an import inserts 500 rows a
-- statement; a trigger per row cost 53 µs a row, this one 19).
CREATE FUNCTION saisine_names_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO saisine_names (word, place)
    SELECT word, saisine_list_place(added.received_on, added.id)
    FROM added, saisine_name_words(added.name_key) AS word;
    RETURN NULL;
END
$$;

-- A name or a reception date changed, a saisine deleted: rare, one row at a time.
CREATE FUNCTION saisine_names_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM saisine_names
    WHERE place = saisine_list_place(OLD.received_on, OLD.id)
      AND word IN (SELECT saisine_name_words(OLD.name_key));
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO saisine_names (word, place)
        SELECT word, saisine_list_place(NEW.received_on, NEW.id) FROM saisine_name_words(NEW.name_key) AS word;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER saisine_names_inserted AFTER INSERT ON saisines
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION saisine_names_added();
CREATE TRIGGER saisine_names_changed AFTER UPDATE OF name_key, received_on ON saisines
FOR EACH ROW WHEN (OLD.name_key IS DISTINCT FROM NEW.name_key OR OLD.received_on IS DISTINCT FROM NEW.received_on)
EXECUTE FUNCTION saisine_names_follow();
CREATE TRIGGER saisine_names_deleted AFTER DELETE ON saisines
FOR EACH ROW EXECUTE FUNCTION saisine_names_follow();

INSERT INTO saisine_names (word, place)
SELECT word, saisine_list_place(received_on, id) FROM saisines, saisine_name_words(name_key) AS word;

DROP INDEX saisines_name_trigrams;
