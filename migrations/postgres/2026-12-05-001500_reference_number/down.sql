DROP INDEX saisines_reference_number;
