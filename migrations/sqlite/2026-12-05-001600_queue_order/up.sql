-- The queue is read in its order (the late ones, then by nearest due date, then reference)
-- by walking this index, one run for the late saisines and one for the others: a page reads
-- its own rows, not every open saisine to sort them.
CREATE INDEX saisines_queue_order ON saisines (next_due_on, reference) WHERE queue_from IS NOT NULL;

-- The navigation's count of the queue reads the late ones too: the assignee index carries
-- `late_from`, so that both counts read the index alone.
DROP INDEX saisines_queue_by_assignee;
CREATE INDEX saisines_queue_by_assignee ON saisines (assigned_to, queue_from, late_from) WHERE queue_from IS NOT NULL;
