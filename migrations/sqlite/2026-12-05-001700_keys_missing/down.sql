DROP INDEX saisines_keys_missing;
