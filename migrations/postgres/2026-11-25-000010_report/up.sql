-- The annual report aggregates in the database, with no date arithmetic in its queries (the
-- same queries run on PostgreSQL): the durations it needs are stored in days, written by the
-- application with the lifecycle (taking up, closing, reopening, a new reception date).
ALTER TABLE saisines ADD COLUMN take_up_days INTEGER;
ALTER TABLE saisines ADD COLUMN processing_days INTEGER;
ALTER TABLE saisines ADD COLUMN net_processing_days INTEGER;

-- Saisines recorded before this migration.
UPDATE saisines
SET take_up_days = (taken_on - received_on)
WHERE taken_on IS NOT NULL;
UPDATE saisines
SET processing_days = (closed_on - received_on),
    net_processing_days = (closed_on - received_on) - days_waiting
WHERE closed_on IS NOT NULL;

-- Every report query reads a range of reception dates: this index covers all of them, so a
-- year is read from the index alone, whatever the size of the table.
CREATE INDEX saisines_report ON saisines (
    received_on, channel, requester_type, process, partner, outcome,
    take_up_days, processing_days, net_processing_days
);
