DROP TABLE pending_imports;
