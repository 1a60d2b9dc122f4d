CREATE INDEX saisines_by_nir ON saisines (nir, received_on);
CREATE INDEX saisines_by_email_key ON saisines (email_key);
CREATE INDEX saisines_by_email ON saisines (email, received_on);
