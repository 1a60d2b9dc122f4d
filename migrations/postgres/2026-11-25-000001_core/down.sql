DROP TABLE events;
DROP TABLE saisine_motifs;
DROP TABLE saisines;
DROP TABLE reference_counters;
DROP TABLE partners;
DROP TABLE motifs;
