-- Name and reference search served by an index: trigram indexes (pg_trgm, a trusted
-- extension) serve `name_key LIKE '%…%'` and `reference LIKE '…%'` for three characters and
-- more.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX saisines_name_trigrams ON saisines USING gin (name_key gin_trgm_ops);
CREATE INDEX saisines_reference_trigrams ON saisines USING gin (reference gin_trgm_ops);
