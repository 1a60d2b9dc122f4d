DROP INDEX saisines_queue_order;
DROP INDEX saisines_queue_by_assignee;
CREATE INDEX saisines_queue_by_assignee ON saisines (assigned_to, queue_from) WHERE queue_from IS NOT NULL;
