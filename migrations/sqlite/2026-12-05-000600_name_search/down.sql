DROP TRIGGER saisine_names_updated;
DROP TRIGGER saisine_names_deleted;
DROP TRIGGER saisine_names_inserted;
DROP TABLE saisine_names;
