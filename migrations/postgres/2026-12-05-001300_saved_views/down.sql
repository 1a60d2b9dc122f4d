DROP INDEX saisines_by_closing;
DROP TABLE saved_views;
