-- only: sqlite
-- An external-content FTS5 table over safety_hazards.grams, kept in step
-- by triggers (also for bulk loads). The default unicode61 tokenizer reads
-- the space-separated pairs as tokens, so a search is a phrase of the
-- query's pairs: consecutive pairs, i.e. the query as a substring.
CREATE VIRTUAL TABLE safety_hazard_search USING fts5(grams, content='safety_hazards', content_rowid='id', detail='full');
CREATE TRIGGER safety_hazards_search_ai AFTER INSERT ON safety_hazards WHEN new.grams IS NOT NULL BEGIN INSERT INTO safety_hazard_search (rowid, grams) VALUES (new.id, new.grams); END;
CREATE TRIGGER safety_hazards_search_ad AFTER DELETE ON safety_hazards WHEN old.grams IS NOT NULL BEGIN INSERT INTO safety_hazard_search (safety_hazard_search, rowid, grams) VALUES ('delete', old.id, old.grams); END;
CREATE TRIGGER safety_hazards_search_au AFTER UPDATE OF grams ON safety_hazards BEGIN INSERT INTO safety_hazard_search (safety_hazard_search, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.grams IS NOT NULL; INSERT INTO safety_hazard_search (rowid, grams) SELECT new.id, new.grams WHERE new.grams IS NOT NULL; END;
