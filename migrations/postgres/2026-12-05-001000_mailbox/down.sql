DROP INDEX saisines_mail_received;
DROP INDEX saisines_to_qualify;
ALTER TABLE saisines DROP COLUMN mail_received;
ALTER TABLE saisines DROP COLUMN to_qualify;
DROP TABLE partner_addresses;
DROP TABLE inbound_messages;
