-- The hazard ledger's text search read every description (82–90 ms at
-- 100,000 hazards). Each hazard now keeps the character pairs (bigrams) of
-- its description and notice number in `grams`, written by the safety
-- service (safety/search.go), and each database indexes them: SQLite in
-- an FTS5 table (0021), PostgreSQL in a GIN index (0022). NULL marks a
-- hazard written before this migration; the service fills those at start.
ALTER TABLE safety_hazards ADD COLUMN grams TEXT;
