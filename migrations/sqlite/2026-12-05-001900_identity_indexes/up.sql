-- Three indexes that others already serve, each written on every new saisine (a creation
-- touched one page of each index in the same commit; 100,000 imported lines spent about a
-- fifth of their insertion time in them):
-- * `saisines_by_nir (nir, received_on)`: the partial `saisines_duplicate_keys_nir` has the
--   same columns, and `nir = ?` implies its `nir IS NOT NULL` (both engines then use it);
-- * `saisines_by_email_key (email_key)`: `saisines_duplicate_keys_email (email_key,
--   received_on) WHERE email_key IS NOT NULL` serves the same look-ups;
-- * `saisines_by_email (email, received_on)`: no query filters on the e-mail as typed (every
--   search and duplicate look-up uses its normalised key).
DROP INDEX saisines_by_nir;
DROP INDEX saisines_by_email_key;
DROP INDEX saisines_by_email;
