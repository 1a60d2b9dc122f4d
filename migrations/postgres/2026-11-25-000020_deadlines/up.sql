-- The delays the application watches: one row, with the defaults, changed by administrators.
CREATE TABLE deadline_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    take_up_days INTEGER NOT NULL DEFAULT 7,
    handling_days INTEGER NOT NULL DEFAULT 30,
    documents_days INTEGER NOT NULL DEFAULT 30,
    reminder_days INTEGER NOT NULL DEFAULT 10,
    grace_days INTEGER NOT NULL DEFAULT 15,
    -- False: calendar days; true: working days (no weekends, no French public holidays).
    working_days BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP,
    updated_by TEXT
);
INSERT INTO deadline_settings (id) VALUES (1);

-- What was done about one documents request (identified by its timeline entry): the reminder
-- sent, the overdue note, the automatic abandonment. At most one of each per request, so the
-- sweep never acts twice on the same wait, even with several instances running.
CREATE TABLE followups (
    id SERIAL PRIMARY KEY,
    saisine_id INTEGER NOT NULL REFERENCES saisines (id) ON DELETE CASCADE,
    request_event_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('relance', 'echeance_depassee', 'abandon')),
    done_at TIMESTAMP NOT NULL,
    UNIQUE (saisine_id, request_event_id, kind)
);

-- The sweep looks for waits past their due date.
CREATE INDEX saisines_by_documents_due ON saisines (status, documents_due_on);
