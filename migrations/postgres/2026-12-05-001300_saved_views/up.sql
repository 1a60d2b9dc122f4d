-- Saved views: a list's query string (filters and sort, never a page cursor) under a name,
-- private to its owner or shared with the team. The shipped defaults are shared and owned by
-- nobody (owner_id NULL): an administrator may rename or delete them, and they stay deleted.
CREATE TABLE saved_views (
    id SERIAL PRIMARY KEY,
    owner_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    shared BOOLEAN NOT NULL,
    name TEXT NOT NULL,
    -- The name folded (case, accents): "En retard" and "en retard" are the same name.
    name_key TEXT NOT NULL,
    query TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX saved_views_shared_names ON saved_views (name_key) WHERE shared;
CREATE UNIQUE INDEX saved_views_private_names ON saved_views (owner_id, name_key) WHERE NOT shared;
CREATE INDEX saved_views_by_owner ON saved_views (owner_id, position);
CREATE INDEX saved_views_shared ON saved_views (shared, position);

INSERT INTO saved_views (owner_id, shared, name, name_key, query, position, created_at, updated_at) VALUES
    (NULL, TRUE, 'Mes saisines', 'mes saisines', 'assigned=me&status=ouvertes', 1, '2026-12-05 00:00:00', '2026-12-05 00:00:00'),
    (NULL, TRUE, 'En retard', 'en retard', 'echeance=en_retard', 2, '2026-12-05 00:00:00', '2026-12-05 00:00:00'),
    (NULL, TRUE, 'À qualifier', 'a qualifier', 'a_qualifier=oui', 3, '2026-12-05 00:00:00', '2026-12-05 00:00:00'),
    (NULL, TRUE, 'En attente de pièces', 'en attente de pieces', 'status=attente_pieces', 4, '2026-12-05 00:00:00', '2026-12-05 00:00:00'),
    (NULL, TRUE, 'Clôturées ce mois-ci', 'cloturees ce mois-ci', 'cloture=mois', 5, '2026-12-05 00:00:00', '2026-12-05 00:00:00');

