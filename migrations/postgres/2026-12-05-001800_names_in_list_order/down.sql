CREATE INDEX saisines_name_trigrams ON saisines USING gin (name_key gin_trgm_ops);
DROP TRIGGER saisine_names_deleted ON saisines;
DROP TRIGGER saisine_names_changed ON saisines;
DROP TRIGGER saisine_names_inserted ON saisines;
DROP FUNCTION saisine_names_follow();
DROP FUNCTION saisine_names_added();
DROP FUNCTION saisine_list_place(DATE, INTEGER);
DROP FUNCTION saisine_name_words(TEXT);
DROP TABLE saisine_names;
