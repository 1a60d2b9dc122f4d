-- Correspondence: letter templates changed by administrators (the shipped text applies to
-- the others), the caisse's letterhead, the letters of each saisine, and the outbox the
-- e-mails wait in until the delivery worker has handed them to the SMTP server.
CREATE TABLE letter_templates (
    code TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE letterhead (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    signature TEXT NOT NULL,
    logo BYTEA,
    logo_type TEXT,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

-- A letter as it left: the PDF to post, or the e-mail as sent (headers and attachments).
CREATE TABLE letters (
    id SERIAL PRIMARY KEY,
    saisine_id INTEGER NOT NULL REFERENCES saisines (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL CHECK (recipient IN ('personne', 'partenaire')),
    delivery TEXT NOT NULL CHECK (delivery IN ('courriel', 'courrier')),
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    document BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX letters_by_saisine ON letters (saisine_id, id);

-- Written in the same transaction as the act that sends; delivered by the worker or by
-- `mediation mail send`. The Message-ID is fixed here, so a resend after a crash keeps it.
CREATE TABLE outbox (
    id SERIAL PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    saisine_id INTEGER REFERENCES saisines (id) ON DELETE CASCADE,
    letter_id INTEGER REFERENCES letters (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    message BYTEA NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('en_attente', 'envoye', 'echec', 'annule')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_saisine ON outbox (saisine_id);

-- Mediators who chose the daily digest of their overdue items, and the day it last went.
CREATE TABLE digest_subscriptions (
    user_id INTEGER PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_sent_on DATE
);

-- The satisfaction form offered with a closing answer: a single-use link (only its digest is
-- kept), valid 30 days; the three answers, with no link to anyone's identity beyond the saisine.
CREATE TABLE satisfaction_surveys (
    id SERIAL PRIMARY KEY,
    saisine_id INTEGER NOT NULL REFERENCES saisines (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    handling TEXT CHECK (handling IN ('oui', 'plutot_oui', 'plutot_non', 'non')),
    understood BOOLEAN,
    comment TEXT
);
CREATE INDEX satisfaction_by_answer ON satisfaction_surveys (answered_at);
