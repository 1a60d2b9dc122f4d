-- A reference number typed without its year (`42`, `0042`) is the part of the references after
-- `YYYY-` (always four digits of year, then at least four of number): an index on that
-- expression finds it in every year without reading the table. Queries must write the same
-- expression, `substr(reference, 6)`.
CREATE INDEX saisines_reference_number ON saisines ((substr(reference, 6)));
