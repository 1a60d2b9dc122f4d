DROP INDEX saisines_reference_trigrams;
DROP INDEX saisines_name_trigrams;
