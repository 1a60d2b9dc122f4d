DROP INDEX saisines_merged_into;
ALTER TABLE saisines DROP COLUMN merged_into;
