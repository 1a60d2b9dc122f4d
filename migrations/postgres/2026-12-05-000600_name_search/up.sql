-- Name and reference search served by indexes: a trigram index (pg_trgm, a trusted
-- extension) serves `name_key LIKE '%…%'` for three characters and more; a `text_pattern_ops`
-- B-tree serves `reference LIKE '…%'` whatever the database's collation. (Not a trigram index
-- on `reference`: PostgreSQL chose it for `reference = ANY(…)` during an import, before any
-- statistics, and each lookup took seconds.)
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX saisines_name_trigrams ON saisines USING gin (name_key gin_trgm_ops);
CREATE INDEX saisines_reference_prefix ON saisines (reference text_pattern_ops);
