DROP TRIGGER audit_log_no_delete ON audit_log;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
DROP FUNCTION audit_log_delete_expired_only();
DROP TABLE retention_settings;
DROP INDEX saisines_by_closing_to_anonymise;
ALTER TABLE saisines DROP COLUMN anonymised_at;
