CREATE OR REPLACE FUNCTION saisine_list_place(received_on DATE, id INTEGER) RETURNS BIGINT
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT to_char(received_on, 'J')::BIGINT * 4294967296 + id
$$;

CREATE OR REPLACE FUNCTION saisine_names_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO saisine_names (word, place)
    SELECT word, saisine_list_place(added.received_on, added.id)
    FROM added, saisine_name_words(added.name_key) AS word;
    RETURN NULL;
END
$$;
