DROP INDEX saisines_report;
ALTER TABLE saisines DROP COLUMN net_processing_days;
ALTER TABLE saisines DROP COLUMN processing_days;
ALTER TABLE saisines DROP COLUMN take_up_days;
