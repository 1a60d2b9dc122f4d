DROP INDEX saisines_by_updated_at;
DROP INDEX saisines_by_closed_on;
DROP INDEX saisines_by_late_from;
DROP INDEX saisines_by_next_due;
