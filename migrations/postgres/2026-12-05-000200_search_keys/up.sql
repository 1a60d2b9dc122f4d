-- Exact search by personal data (mediators and administrators only): the e-mail lower-cased
-- and the phone as digits, stored by the application on every write. The NIR column already
-- holds its 15 characters without spaces (indexed since the partner form). The application fills the new columns of existing
-- rows at start-up (db::search_keys::backfill), where the folding rules live.
ALTER TABLE saisines ADD COLUMN email_key TEXT;
ALTER TABLE saisines ADD COLUMN phone_key TEXT;
CREATE INDEX saisines_by_email_key ON saisines (email_key);
CREATE INDEX saisines_by_phone_key ON saisines (phone_key);

-- Ligatures now fold to two letters (œ → oe, æ → ae, ß → ss): the names holding one get their
-- key again at start-up; an empty key marks them.
UPDATE saisines SET name_key = ''
WHERE requester_name LIKE '%œ%' OR requester_name LIKE '%Œ%' OR requester_name LIKE '%æ%'
   OR requester_name LIKE '%Æ%' OR requester_name LIKE '%ß%' OR requester_name LIKE '%ẞ%';
