DROP INDEX saisines_by_email;
DROP INDEX saisines_by_nir;
DROP TABLE attachments;
ALTER TABLE saisines DROP COLUMN consent_given;
ALTER TABLE saisines DROP COLUMN partner_contact_phone;
ALTER TABLE saisines DROP COLUMN partner_contact_email;
ALTER TABLE saisines DROP COLUMN partner_contact_name;
ALTER TABLE saisines DROP COLUMN partner_organisation;
