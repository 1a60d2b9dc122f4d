DROP TABLE imported_files;
DROP TABLE external_references;
