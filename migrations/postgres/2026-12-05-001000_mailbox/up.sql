-- The mediation's mailbox: every message read, once (its key: the normalised Message-ID, or
-- the SHA-256 of its bytes), with its raw bytes and what it became.
CREATE TABLE inbound_messages (
    id SERIAL PRIMARY KEY,
    message_key TEXT NOT NULL UNIQUE,
    mailbox TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('nouvelle', 'rattachee', 'ignoree', 'non_traitee', 'transformee', 'ecartee')),
    reason TEXT,
    saisine_id INTEGER REFERENCES saisines (id) ON DELETE SET NULL,
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    refused_files TEXT NOT NULL DEFAULT '',
    raw BYTEA NOT NULL,
    handled_at TIMESTAMP,
    handled_by TEXT
);
CREATE INDEX inbound_by_outcome ON inbound_messages (outcome, id);
CREATE INDEX inbound_by_saisine ON inbound_messages (saisine_id) WHERE saisine_id IS NOT NULL;

-- Addresses (`accueil@asso.fr`) and domains (`asso.fr`) an administrator linked to a partner:
-- their messages come through the generic inbox on that partner's behalf.
CREATE TABLE partner_addresses (
    pattern TEXT PRIMARY KEY NOT NULL,
    partner TEXT NOT NULL REFERENCES partners (code),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);

-- A saisine made from an e-mail waits for a mediator to choose its process and motifs; a
-- message that joined a saisine waiting for documents is shown until a mediator acts.
ALTER TABLE saisines ADD COLUMN to_qualify BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE saisines ADD COLUMN mail_received BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX saisines_to_qualify ON saisines (received_on, id) WHERE to_qualify;
CREATE INDEX saisines_mail_received ON saisines (id) WHERE mail_received;
