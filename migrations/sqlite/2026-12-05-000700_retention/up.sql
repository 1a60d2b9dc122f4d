-- The personal data's life. A saisine anonymised (past its retention, or erased on request)
-- carries the moment it was; its personal data and free texts are gone, its figures stay.
ALTER TABLE saisines ADD COLUMN anonymised_at TIMESTAMP;
-- The daily job looks for closed saisines not yet anonymised.
CREATE INDEX saisines_by_closing_to_anonymise ON saisines (status, anonymised_at, closed_on);

-- How long closed saisines keep their personal data (months after closing) and how long the
-- audit log keeps its records (months): one row, with the defaults, changed by administrators.
CREATE TABLE retention_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    closed_months INTEGER NOT NULL DEFAULT 60,
    audit_months INTEGER NOT NULL DEFAULT 12,
    updated_at TIMESTAMP,
    updated_by TEXT
);
INSERT INTO retention_settings (id) VALUES (1);

-- The audit log stays append-only, except for the records past their retention, which the
-- daily job deletes: the database itself refuses the deletion of a younger record.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= datetime('now', '-' || COALESCE((SELECT audit_months FROM retention_settings WHERE id = 1), 1200) || ' months')
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
