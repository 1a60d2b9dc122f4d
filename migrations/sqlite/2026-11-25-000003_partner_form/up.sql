-- Who referred a saisine through the partner form, and the person's consent.
ALTER TABLE saisines ADD COLUMN partner_organisation TEXT;
ALTER TABLE saisines ADD COLUMN partner_contact_name TEXT;
ALTER TABLE saisines ADD COLUMN partner_contact_email TEXT;
ALTER TABLE saisines ADD COLUMN partner_contact_phone TEXT;
ALTER TABLE saisines ADD COLUMN consent_given BOOLEAN NOT NULL DEFAULT FALSE;

-- Attachments live in the database, so that one backup holds everything.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    saisine_id INTEGER NOT NULL REFERENCES saisines (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by TEXT NOT NULL
);
CREATE INDEX attachments_by_saisine ON attachments (saisine_id);
CREATE INDEX saisines_by_nir ON saisines (nir, received_on);
CREATE INDEX saisines_by_email ON saisines (email, received_on);
