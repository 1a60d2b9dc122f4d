DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
DROP TABLE retention_settings;
DROP INDEX saisines_by_closing_to_anonymise;
ALTER TABLE saisines DROP COLUMN anonymised_at;
