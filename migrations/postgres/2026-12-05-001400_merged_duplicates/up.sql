-- A duplicate merged into the saisine kept: closed, and pointing to it. No foreign key: the
-- copy between databases (`copy-data`) inserts saisines by id, and a kept saisine may come
-- after its duplicate. Merged saisines leave the lists and the figures (`db::figures::counted`).
ALTER TABLE saisines ADD COLUMN merged_into INTEGER;
CREATE INDEX saisines_merged_into ON saisines (merged_into) WHERE merged_into IS NOT NULL;
