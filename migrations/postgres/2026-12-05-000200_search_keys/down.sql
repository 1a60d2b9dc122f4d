DROP INDEX saisines_by_phone_key;
DROP INDEX saisines_by_email_key;
ALTER TABLE saisines DROP COLUMN phone_key;
ALTER TABLE saisines DROP COLUMN email_key;
