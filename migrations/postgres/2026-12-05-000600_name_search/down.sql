DROP INDEX saisines_reference_prefix;
DROP INDEX saisines_name_trigrams;
