DROP INDEX saisines_by_documents_due;
DROP TABLE followups;
DROP TABLE deadline_settings;
