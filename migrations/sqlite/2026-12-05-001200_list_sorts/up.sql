-- The list's sorts (db::list_sort): each walked by keyset on (key, id), the rows without a key
-- (no due date, never late, not closed) after the others, read from the same index.
CREATE INDEX saisines_by_next_due ON saisines (next_due_on, id);
CREATE INDEX saisines_by_late_from ON saisines (late_from, id);
CREATE INDEX saisines_by_closed_on ON saisines (closed_on, id);
CREATE INDEX saisines_by_updated_at ON saisines (updated_at, id);
