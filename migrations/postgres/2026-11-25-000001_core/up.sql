-- Reference lists: administrators extend them; an entry in use is retired, never deleted.
CREATE TABLE motifs (
    code TEXT PRIMARY KEY NOT NULL,
    label TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    retired BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE partners (
    code TEXT PRIMARY KEY NOT NULL,
    label TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    retired BOOLEAN NOT NULL DEFAULT FALSE
);

INSERT INTO motifs (code, label, position) VALUES
    ('paiement_non_recu', 'Paiement non reçu', 10),
    ('delai_traitement', 'Délai de traitement', 20),
    ('refus_prise_en_charge', 'Refus de prise en charge', 30),
    ('indu', 'Indu / trop-perçu', 40),
    ('erreur_calcul', 'Erreur de calcul', 50),
    ('difficulte_contact', 'Difficulté à joindre la caisse', 60),
    ('information', 'Demande d''information', 70),
    ('autre_motif', 'Autre', 80);

INSERT INTO partners (code, label, position) VALUES
    ('defenseur_des_droits', 'Défenseur des droits', 10),
    ('service_social', 'Service social', 20),
    ('france_services', 'France Services', 30),
    ('association', 'Association', 40),
    ('elu', 'Élu', 50),
    ('autre_partenaire', 'Autre partenaire', 60);

-- One reference sequence per year of reception.
CREATE TABLE reference_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_sequence INTEGER NOT NULL
);

CREATE TABLE saisines (
    id SERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    received_on DATE NOT NULL,
    channel TEXT NOT NULL,
    requester_type TEXT NOT NULL,
    requester_name TEXT,
    -- The name folded (lower case, no accents) for search.
    name_key TEXT NOT NULL DEFAULT '',
    nir TEXT,
    email TEXT,
    phone TEXT,
    address TEXT,
    partner TEXT REFERENCES partners (code),
    process TEXT NOT NULL,
    summary TEXT,
    status TEXT NOT NULL,
    taken_on DATE,
    waiting_since DATE,
    documents_due_on DATE,
    days_waiting INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    closed_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (status IN ('recue', 'en_cours', 'attente_pieces', 'cloturee')),
    CHECK ((status = 'cloturee') = (outcome IS NOT NULL AND closed_on IS NOT NULL)),
    CHECK ((status = 'attente_pieces') = (waiting_since IS NOT NULL AND documents_due_on IS NOT NULL))
);

-- Keyset pagination walks (received_on, id); each filter has an index ending the same way.
CREATE INDEX saisines_by_date ON saisines (received_on, id);
CREATE INDEX saisines_by_status ON saisines (status, received_on, id);
CREATE INDEX saisines_by_channel ON saisines (channel, received_on, id);
CREATE INDEX saisines_by_process ON saisines (process, received_on, id);
CREATE INDEX saisines_by_partner ON saisines (partner, received_on, id);

CREATE TABLE saisine_motifs (
    saisine_id INTEGER NOT NULL REFERENCES saisines (id) ON DELETE CASCADE,
    motif TEXT NOT NULL REFERENCES motifs (code),
    PRIMARY KEY (saisine_id, motif)
);
CREATE INDEX saisine_motifs_by_motif ON saisine_motifs (motif, saisine_id);

-- The timeline: append-only.
CREATE TABLE events (
    id SERIAL PRIMARY KEY,
    saisine_id INTEGER NOT NULL REFERENCES saisines (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_saisine ON events (saisine_id, id);
