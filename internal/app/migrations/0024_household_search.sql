-- The household list's search scanned every head's name, address and
-- number with LIKE (0.34–0.46 s over 300,000 households). Households now
-- keep their character pairs in `grams` like hazards (0020; package
-- textsearch), indexed in an FTS5 table on SQLite (0025) and a GIN index
-- on PostgreSQL (0026). NULL marks a household written before this; the
-- registry fills those at start.
ALTER TABLE households ADD COLUMN grams TEXT;
