-- Each saisine's deadlines, stored and indexed (domain::schedule): the queue, the navigation
-- count and the list filters select on them instead of recomputing every open saisine.
ALTER TABLE saisines ADD COLUMN take_up_due_on DATE;
ALTER TABLE saisines ADD COLUMN handling_due_on DATE;
ALTER TABLE saisines ADD COLUMN reminder_on DATE;
ALTER TABLE saisines ADD COLUMN abandonment_on DATE;
ALTER TABLE saisines ADD COLUMN queue_from DATE;
ALTER TABLE saisines ADD COLUMN late_from DATE;
ALTER TABLE saisines ADD COLUMN next_due_on DATE;
ALTER TABLE saisines ADD COLUMN possible_duplicate BOOLEAN NOT NULL DEFAULT FALSE;
-- 0: to compute (rows written before this migration); the server computes them at start-up.
ALTER TABLE saisines ADD COLUMN schedule_version INTEGER NOT NULL DEFAULT 0;

CREATE INDEX saisines_queue ON saisines (queue_from, late_from) WHERE queue_from IS NOT NULL;
CREATE INDEX saisines_queue_by_assignee ON saisines (assigned_to, queue_from) WHERE queue_from IS NOT NULL;
CREATE INDEX saisines_late ON saisines (late_from) WHERE late_from IS NOT NULL;
CREATE INDEX saisines_schedule_stale ON saisines (schedule_version, status);
CREATE INDEX saisines_duplicate_keys_nir ON saisines (nir, received_on) WHERE nir IS NOT NULL;
CREATE INDEX saisines_duplicate_keys_email ON saisines (email_key, received_on) WHERE email_key IS NOT NULL;

-- A possible duplicate a mediator said was not one: never flagged again for that pair.
CREATE TABLE duplicate_dismissals (
    saisine_id INTEGER NOT NULL REFERENCES saisines (id) ON DELETE CASCADE,
    other_id INTEGER NOT NULL REFERENCES saisines (id) ON DELETE CASCADE,
    dismissed_by TEXT NOT NULL,
    dismissed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (saisine_id, other_id)
);
